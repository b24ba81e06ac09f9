import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecResult } from '../../../src/ssh/ssh-pool.js';
import { captureSections } from '../../support/capture-sections.js';

/** The output of one captured ceph command in test/fixtures/ceph (its only section) and its exit status. */
export function fixture(name: string): { out: string; code: number } {
  const sections = captureSections(new URL(`../../fixtures/ceph/${name}`, import.meta.url));
  const [first] = [...sections.entries()].filter(([k]) => k !== 'exit');
  if (!first) throw new Error(`no section in ${name}`);
  return { out: first[1], code: Number(sections.get('exit') ?? 0) };
}

type Reply = { out: string; code?: number };

/**
 * A monitor host for the scripted SSH: the command labops sends really runs in /bin/sh, with a `ceph` stand-in
 * first on PATH that prints a fixture per subcommand (and logs its arguments). Without `ceph` the shell's own
 * "not found" (exit 127) comes back. `sudo` is a stand-in too: it runs what it is given, or refuses.
 */
export function cephHost(
  replies: { status?: Reply; health?: Reply; timeSync?: Reply } | 'not-installed',
  o: { sudo?: 'runs' | 'refuses' } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'labops-ceph-unit-'));
  const log = join(dir, 'args.log');
  writeFileSync(log, '');
  if (replies !== 'not-installed') {
    for (const [key, r] of Object.entries(replies)) {
      writeFileSync(join(dir, `${key}.out`), r.out);
      writeFileSync(join(dir, `${key}.code`), String(r.code ?? 0));
    }
    const script = `#!/bin/sh
echo "$*" >> ${log}
case "$*" in
  *"time-sync-status --format json") k=timeSync ;;
  *"health detail --format json") k=health ;;
  *" status --format json") k=status ;;
  *) echo "no valid command found" >&2; exit 22 ;;
esac
[ -f ${dir}/$k.out ] || { echo "Error EINVAL: invalid command" >&2; exit 22; }
cat ${dir}/$k.out; exit $(cat ${dir}/$k.code)
`;
    writeFileSync(join(dir, 'ceph'), script, { mode: 0o755 });
  }
  if (o.sudo) {
    const sudo =
      o.sudo === 'runs'
        ? `#!/bin/sh\necho "sudo $*" >> ${log}\n[ "$1" = -n ] && shift\nexec "$@"\n`
        : '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n';
    writeFileSync(join(dir, 'sudo'), sudo, { mode: 0o755 });
  }
  const answer = (command: string): ExecResult => {
    const r = spawnSync('/bin/sh', ['-c', command], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status };
  };
  /** Every `ceph` (and `sudo`) invocation on this host, in order. */
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { answer, calls };
}
