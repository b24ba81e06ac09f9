import type { ReportInput } from './report.js';

/** How the numbers were taken, so a reader can judge and repeat them. */
export function methodSection(r: ReportInput): string[] {
  return [
    '### Method',
    '',
    `- Lab: \`startLab({ dir: '.lab/bench', net: '127.0.4', extraClients: ${r.hosts - 6} })\`. The bench inventory`,
    `  (\`.lab/bench/bench-inventory.yml\`, and \`.lab/bench/bench-hosts\` for parallel-ssh) keeps the ${r.hosts} hosts that`,
    '  answer and leaves out client-silent, client-off, client-badkey, client-authfail (no shell) and client-down,',
    '  client-nochrony (chronyc fails), so every tool does the same work on every host. Each peer run must exit 0',
    `  and print one \`chronyc -c tracking\` line per host; each labops run must end in a summary of ${r.hosts} hosts and no errors.`,
    '- The work per host differs: labops runs its one fixed command (`chronyc -n -c tracking`, `-n -c sources` and',
    '  `-n sources`, framed by markers), then renders and posts the result; the peers run `chronyc -c tracking` only.',
    '- labops: `node_modules/.bin/tsx src/cli.ts` as a child process in HTTP mode (bot and worker in one process,',
    '  `LOG_LEVEL=info`, every other setting at its default, e.g. `LAB_SSH_CONNECT_TIMEOUT_MS` 10000), a queue prefix of',
    '  its own, the Redis from `ensureRedis`. The fake Slack Web API (test/support/fake-slack.ts) and the signed',
    `  requests (test/support/slack-request.ts) run in the bench process. Cold: each of the ${r.labops.cold.length} runs in a freshly`,
    `  started labops (no pooled connections); warm: ${r.reps.warm} runs after those, in the last one.`,
    '- parallel-ssh: `parallel-ssh -i -p 40 -h bench-hosts -x "-i KEY -o UserKnownHostsFile=LAB_KNOWN_HOSTS -p 2222"',
    "  -l root 'chronyc -c tracking'`. Cold: as is (a handshake per host per run). Warm: the same plus",
    '  `-o ControlMaster=auto -o ControlPath=DIR/%C -o ControlPersist=60`, after one unreported run that opens the masters.',
    "- ansible: `ansible all -i bench-inventory.yml -m command -a 'chronyc -c tracking' -f 40`, configured by",
    '  environment only (`ANSIBLE_CONFIG` names an empty file in a temp dir, `ANSIBLE_HOME` is there too):',
    '  `ANSIBLE_HOST_KEY_CHECKING=True` and `ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s',
    '  -o UserKnownHostsFile=LAB_KNOWN_HOSTS"` (strict host keys against the same known_hosts as labops).',
    '  *Tuned* (the target row) adds `ANSIBLE_PIPELINING=True` and `ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3`: no module',
    '  upload and no interpreter discovery, ansible at its fastest, which makes the ratio harder for labops, not easier.',
    "  Cold: a new, empty control dir per run; warm: the masters the last cold run left. *Stock* keeps ansible's",
    "  defaults but copies modules with `ANSIBLE_SSH_TRANSFER_METHOD=piped`, because the lab's sshd has no sftp",
    '  subsystem (real hosts have one; without this every run would also pay for a failed sftp and scp attempt).',
    '- Floor: in the bench process, one node-ssh (ssh2) connection per host opened beforehand (TCP no-delay, as',
    '  labops does), then one exec per host, all at once; no Redis, no Slack, no rendering. The one-chronyc row runs',
    "  `printf 'tracking\\nsources\\n' | chronyc -n`: the two outputs labops shows, from one chronyc process.",
    '- Ack bursts: after the warm runs, in the same labops process, 20 signed requests sent at once, 5 rounds each.',
    '- Clean-up: every ssh master is asked to exit (`ssh -O exit`), labops gets SIGTERM, the lab and a private Redis',
    '  (if one was started) are stopped, every Redis key under its queue prefix is deleted; also on failure and on SIGINT/SIGTERM.',
  ];
}
