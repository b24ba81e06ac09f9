import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frameReader } from '../../../src/ssh/frame-reader.js';
import {
  NTP_STATUS_COMMAND,
  NTP_STATUS_REPEATING,
  splitStatusOutput,
} from '../../../src/tasks/chrony/remote-command.js';

describe('NTP_STATUS_REPEATING', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labops-ntp-loop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the status command in a fixed loop: nothing of its text comes from stdin', () => {
    expect(NTP_STATUS_REPEATING.command).toBe(NTP_STATUS_COMMAND);
    expect(NTP_STATUS_REPEATING.loop).toBe(`while read -r _; do { ${NTP_STATUS_COMMAND}; } </dev/null; done`);
    expect(NTP_STATUS_REPEATING.loop).not.toContain('\n');
  });

  // a stand-in chronyc that tries to read stdin: in the loop it must get /dev/null, not the loop's newlines
  for (const shell of ['/bin/sh', '/bin/bash']) {
    it(`${shell}: one run a newline, each framed as exec frames it; EOF ends the loop`, () => {
      writeFileSync(
        join(dir, 'chronyc'),
        '#!/bin/sh\necho "Reference ID    : 7F7F0101 ()"\nif read -r x; then echo "ate: $x"; fi\nexit 3\n',
      );
      chmodSync(join(dir, 'chronyc'), 0o755);
      const env = { PATH: `${dir}:/usr/bin:/bin` };
      const looped = spawnSync(shell, ['-c', NTP_STATUS_REPEATING.loop], { env, input: '\n\n\n' });
      const once = spawnSync(shell, ['-c', NTP_STATUS_COMMAND], { env, input: '' });
      expect(looped.status).toBe(0);
      let rest: Buffer = looped.stdout;
      for (let i = 0; i < 3; i++) {
        const r = frameReader(NTP_STATUS_REPEATING.endMark, 1024 * 1024);
        const after = r.push(rest);
        expect(after, `run ${i + 1}`).toBeDefined();
        expect(r.text()).toBe(once.stdout.toString());
        expect(splitStatusOutput(r.text()).chronyc.exitCode).toBe(3);
        expect(r.text()).not.toContain('ate:');
        rest = after ?? Buffer.alloc(0);
      }
      expect(rest.length).toBe(0);
    });
  }
});
