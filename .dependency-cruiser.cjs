/**
 * Layering rules of src/, checked by `npm run check` (dependency-cruiser). A rule names what may not import what;
 * a message says why, so whoever breaks one knows what to do instead.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes both files one unit: move what they share into a third file.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-from-test',
      severity: 'error',
      comment: 'Production code never imports test code.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'one-composition-root',
      severity: 'error',
      comment: 'Only src/cli.ts starts labops through src/main.ts; everything else gets its dependencies passed in.',
      from: { path: '^src/', pathNot: '^src/cli[.]ts$' },
      to: { path: '^src/main[.]ts$' },
    },
    {
      name: 'roles-only-from-main',
      severity: 'error',
      comment: 'src/roles are the parts of the composition root: only src/main.ts (and the roles themselves) start them.',
      from: { path: '^src/', pathNot: '^src/(main[.]ts|roles/)' },
      to: { path: '^src/roles/' },
    },
    {
      name: 'tasks-below-bot-and-workers',
      severity: 'error',
      comment: 'Tasks run on workers and know nothing of the Slack app, the worker or the queue wiring.',
      from: { path: '^src/tasks/' },
      to: { path: '^src/(bot|workers|main[.]ts|cli[.]ts)' },
    },
    {
      name: 'no-task-imports-another',
      severity: 'error',
      comment:
        'A command folder imports only its own files and the shared ones below the commands (src/tasks/ceph-cluster, chrony, controller, remote, report, and task.ts/target-payload.ts): move what two commands share there.',
      from: { path: '^src/tasks/([^/]+)/' },
      to: {
        path: '^src/tasks/[^/]+/',
        pathNot: ['^src/tasks/$1/', '^src/tasks/(ceph-cluster|chrony|controller|remote|report)/'],
      },
    },
    {
      name: 'shared-below-commands',
      severity: 'error',
      comment: 'The shared task folders are below the commands: they never import a command folder.',
      from: { path: '^src/tasks/(ceph-cluster|chrony|controller|remote|report)/' },
      to: { path: '^src/tasks/[^/]+/', pathNot: '^src/tasks/(ceph-cluster|chrony|controller|remote|report)/' },
    },
    {
      name: 'edges-below-tasks',
      severity: 'error',
      comment: 'ssh/, chat/ and inventory/ are the edges tasks use; they never import a task.',
      from: { path: '^src/(ssh|chat|inventory)/' },
      to: { path: '^src/tasks/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
