import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import { asRoot, sudoRefusal, usesSudo } from '../../../src/tasks/remote/become.js';
import { parseReadFile, readFileStep, writeFileCommand } from '../../../src/tasks/remote/remote-file.js';
import { RemotePath } from '../../../src/tasks/remote/remote-path.js';
import { sectionedCommand, splitSections } from '../../../src/tasks/remote/sections.js';

const dir = mkdtempSync(join(tmpdir(), 'labops-remote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// the commands are POSIX shell: run them with dash, as a Debian host's sh would
const sh = (command: string) => spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });

const HOSTILE = `server 10.0.0.1 iburst\n$(touch ${dir}/pwned) \`touch ${dir}/pwned\` '"; touch ${dir}/pwned; echo '\n\\n%s %d 한글\nno final newline`;

describe('remote file commands (run locally with /bin/sh)', () => {
  it('writes any text byte for byte, with no shell interpretation, and keeps the old file', () => {
    const path = join(dir, 'chrony.conf');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    const r = sh(writeFileCommand(path, HOSTILE));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(HOSTILE);
    expect(readFileSync(`${path}.labops.bak`, 'utf8')).toBe('old\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(existsSync(`${path}.labops.tmp`)).toBe(false);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('creates a missing file (no backup) and fails cleanly where it cannot write', () => {
    const path = join(dir, 'new.conf');
    expect(sh(writeFileCommand(path, 'a\n')).status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('a\n');
    expect(existsSync(`${path}.labops.bak`)).toBe(false);
    const r = sh(writeFileCommand(join(dir, 'no-such-dir', 'x.conf'), 'a\n'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot create|No such file/);
  });

  it('refuses content too big for one command argument', () => {
    expect(() => writeFileCommand('/etc/big.conf', 'x'.repeat(100_000))).toThrow(/too much for one command/);
  });

  it('reads a file exactly inside a sectioned command, and says when it is absent', () => {
    const path = join(dir, 'read.conf');
    writeFileSync(path, HOSTILE);
    const steps = [
      ['conf', readFileStep(path)],
      ['missing', readFileStep(join(dir, 'missing.conf'))],
      ['status', '(echo out; echo err >&2; exit 3)'],
    ] as const;
    const out = splitSections(sh(sectionedCommand(steps)).stdout, ['conf', 'missing', 'status']);
    expect(parseReadFile(out.get('conf') ?? { output: '', exitCode: 1 }, path)).toBe(HOSTILE);
    expect(parseReadFile(out.get('missing') ?? { output: '', exitCode: 1 }, 'm')).toBeNull();
    expect(out.get('status')).toEqual({ output: 'out\nerr\n', exitCode: 3 });
  });

  it('accepts only plain absolute paths', () => {
    for (const ok of ['/etc/chrony.conf', '/etc/chrony/chrony.conf', '/srv/lab_1/chrony-2.conf'])
      expect(RemotePath.safeParse(ok).success, ok).toBe(true);
    for (const bad of [
      'etc/chrony.conf',
      '/etc/../shadow',
      '/etc/chrony conf',
      "/etc/x'y",
      '/etc/$(id)',
      '/etc/',
    ])
      expect(RemotePath.safeParse(bad).success, bad).toBe(false);
  });
});

const host = (user: string, vars: Record<string, unknown> = {}): InventoryHost => ({
  name: 'h1',
  address: '10.0.0.1',
  port: 22,
  user,
  groups: [],
  vars,
});

describe('become', () => {
  it('uses sudo -n only for non-root logins with ansible_become', () => {
    expect(usesSudo(host('root', { ansible_become: true }))).toBe(false);
    expect(usesSudo(host('labops'))).toBe(false);
    expect(usesSudo(host('labops', { ansible_become: true }))).toBe(true);
    expect(usesSudo(host('labops', { ansible_become: 'yes' }))).toBe(true);
    expect(usesSudo(host('labops', { ansible_become: 'False' }))).toBe(false);
    expect(asRoot(host('root'), 'systemctl restart chronyd')).toBe('systemctl restart chronyd');
    expect(asRoot(host('labops', { ansible_become: true }), "echo 'a'")).toBe(
      `sudo -n sh -c 'echo '\\''a'\\'''`,
    );
    // the quoting holds: sh runs exactly the inner command
    expect(
      sh(
        `sh -c ${asRoot(host('labops', { ansible_become: true }), 'echo \'a b\' "$HOME"').slice('sudo -n sh -c '.length)}`,
      ).stdout,
    ).toBe(`a b ${process.env.HOME}\n`);
  });

  it("recognises sudo's refusals", () => {
    expect(sudoRefusal('sudo: a password is required\n', 1)).toBe('sudo: a password is required');
    expect(sudoRefusal('labops is not in the sudoers file.  This incident will be reported.\n', 1)).toBe(
      'labops is not in the sudoers file.  This incident will be reported.',
    );
    expect(sudoRefusal('sh: 1: sudo: not found\n', 127)).toBe('sudo is not installed');
    expect(
      sudoRefusal('Failed to restart chronyd.service: Unit chronyd.service not found.\n', 5),
    ).toBeUndefined();
  });
});
