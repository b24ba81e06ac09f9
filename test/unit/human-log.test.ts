import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { humanLogFile, humanLogLine } from '../../src/log/human-log.js';

const dir = mkdtempSync(join(tmpdir(), 'labops-human-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('console-mode log lines', () => {
  it('read as a sentence with its fields, not as JSON', () => {
    const json = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 11, 7, 13, 38, 48),
      pid: 1,
      hostname: 'vm',
      jobId: '4',
      task: 'network.list',
      msg: 'controller command failed',
    });
    expect(humanLogLine(json)).toBe('13:38:48 warn controller command failed (jobId=4 task=network.list)\n');
    expect(humanLogLine('not json')).toBe('not json\n');
  });

  it('go to a file that each session starts afresh', () => {
    const path = join(dir, 'console.log');
    writeFileSync(path, 'an earlier session\n');
    const log = humanLogFile(path);
    log.write(JSON.stringify({ level: 50, time: 0, msg: 'one' }));
    log.write(JSON.stringify({ level: 50, time: 0, msg: 'two' }));
    expect(readFileSync(path, 'utf8')).toBe('00:00:00 error one\n00:00:00 error two\n');
    expect(log.lines()).toBe(2);
  });
});
