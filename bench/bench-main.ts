import { spawnSync } from 'node:child_process';

type Log = (line: string) => void;

/** `npm run build` (tsc -p tsconfig.build.json, run by node itself): the benches measure dist/, as production runs. */
export function buildDist(log: Log): void {
  log('building dist/ (npm run build)');
  const built = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) throw new Error('bench: npm run build failed');
}

/**
 * Runs a bench's main and always its cleanUp (lab, fleet, labops processes, Redis keys): on success (exit 0), on
 * failure (exit 1, the stack logged) and on SIGINT / SIGTERM (exit 130).
 */
export function runBench(main: () => Promise<void>, cleanUp: () => Promise<void>, log: Log): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      log(`bench: ${sig}, cleaning up`);
      cleanUp().finally(() => process.exit(130));
    });
  main()
    .then(cleanUp)
    .then(
      () => process.exit(0),
      async (err: Error) => {
        log(`bench failed: ${err.stack ?? err.message}`);
        await cleanUp();
        process.exit(1);
      },
    );
}
