// scripts/ensure-packages.sh, as `npm run demo` and .ci/run use it. Installing for real is not done here (it would
// change this machine): a copy of the script wants one package that is missing, and a stand-in apt-get on PATH
// reports progress on APT::Status-Fd as apt does, prints noise, and fails when told to.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = join(tmpdir(), `labops-ensure-packages-test-${process.pid}`);
const log = join(dir, 'apt.log');

function prepare(): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'apt-get'),
    `#!/bin/bash
echo "Reading package lists... (noise apt prints)"
for p in 20 60 100; do echo "pmstatus:fake-pkg:$p:Installing fake-pkg" >&3; done
[ "$1" = install ] && [ -n "\${FAIL_INSTALL:-}" ] && { echo "E: Unable to locate package fake-pkg"; exit 100; }
exit 0
`,
  );
  chmodSync(join(dir, 'apt-get'), 0o755);
  const script = readFileSync('scripts/ensure-packages.sh', 'utf8')
    .replace('want /usr/sbin/sshd', 'want /nonexistent/labops-test fake-pkg "a test"\nwant /usr/sbin/sshd')
    // this machine's policy-rc.d is left alone
    .replace(/^printf '#!\/bin\/sh.*$/m, ':')
    .replace(/^trap 'rm -f \/usr\/sbin\/policy-rc.d' EXIT$/m, ':');
  writeFileSync(join(dir, 'ensure-packages.sh'), script);
  chmodSync(join(dir, 'ensure-packages.sh'), 0o755);
  return join(dir, 'ensure-packages.sh');
}

const run = (script: string, env: Record<string, string> = {}) =>
  spawnSync(script, {
    env: { PATH: `${dir}:${process.env.PATH}`, LABOPS_APT_LOG: log, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/ensure-packages.sh', () => {
  it("says nothing when every package is there (README's commands stay quiet)", () => {
    const r = spawnSync('scripts/ensure-packages.sh', { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toBe('');
  });

  it("says in one line what it installs and why, keeps apt's output in a log file", () => {
    if (process.getuid?.() !== 0) return; // as non-root it prints the sudo line instead
    const r = run(prepare());
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `^Installing 1 Debian package\\(s\\) for the simulated lab: fake-pkg \\(a test\\)\n {2}apt's output goes to ${log}\n {2}installed in \\d+ s\n$`,
      ),
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(log, 'utf8')).toContain('Reading package lists... (noise apt prints)');
  });

  it('on failure points to the log and shows its last lines', () => {
    if (process.getuid?.() !== 0) return;
    const r = run(prepare(), { FAIL_INSTALL: '1' });
    expect(r.status).toBe(100);
    expect(r.stderr).toContain(
      `Package installation failed at "apt-get install -y --no-install-recommends fake-pkg" (exit 100). apt's output: ${log}; its last lines:`,
    );
    expect(r.stderr).toContain('  | E: Unable to locate package fake-pkg');
    expect(r.stderr).not.toContain('pmstatus'); // apt's status lines are read, not shown
  });
});
