import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { ceilingReport } from '../../../src/ssh/ceiling-log.js';
import { FD_RESERVE, fdBudgetWarning, parseFdLimit } from '../../../src/ssh/fd-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('the file-descriptor limit', () => {
  it('is read from /proc/<pid>/limits, "unlimited" included', () => {
    expect(parseFdLimit(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(
      parseFdLimit('Max open files            unlimited            unlimited            files\n'),
    ).toEqual({
      soft: Number.POSITIVE_INFINITY,
      hard: Number.POSITIVE_INFINITY,
    });
    expect(parseFdLimit('nothing here')).toBeUndefined();
  });

  it('is enough when a connection to every host fits beside the reserve', () => {
    expect(fdBudgetWarning({ hosts: 1024 - FD_RESERVE, limit: { soft: 1024, hard: 1024 } })).toBeUndefined();
    expect(
      fdBudgetWarning({ hosts: 5000, maxConnections: 800, limit: { soft: 1024, hard: 1024 } }),
    ).toBeUndefined();
    expect(fdBudgetWarning({ hosts: 5000, limit: undefined })).toBeUndefined();
  });

  it('warns with both ways out when the inventory cannot fit', () => {
    const w = fdBudgetWarning({ hosts: 5000, limit: { soft: 1024, hard: 524288 } });
    expect(w).toMatch(/the inventory has 5000 hosts/);
    expect(w).toMatch(/raise the soft limit to 5200 \(ulimit -n 5200/);
    expect(w).toMatch(/set LAB_SSH_MAX_CONNECTIONS=824 /);
    // the hard limit is too low as well: the soft one cannot simply be raised
    expect(fdBudgetWarning({ hosts: 5000, limit: { soft: 1024, hard: 4096 } })).toMatch(
      /raise the hard limit to at least 5200 \(it is 4096/,
    );
    // a ceiling above the limit does not help
    expect(fdBudgetWarning({ hosts: 5000, maxConnections: 2000, limit: { soft: 1024, hard: 1024 } })).toMatch(
      /may keep 2000 SSH connections open/,
    );
  });
});

describe('the pool ceiling log', () => {
  afterEach(() => vi.useRealTimers());

  it('says so once, then sums up a window at most, then is quiet until the ceiling bites again', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const report = ceilingReport({ warn: (_o, msg) => void lines.push(msg) }, 50, 60_000);
    for (let i = 0; i < 500; i++) report.closed();
    report.waited();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/reached its ceiling of 50 connections/);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/closed 499 idle connections and held 1 commands/);
    vi.advanceTimersByTime(60_000); // a quiet window: nothing to say
    expect(lines).toHaveLength(2);
    report.closed();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/reached its ceiling/);
    report.stop();
  });
});

describe('LAB_SSH_MAX_CONNECTIONS', () => {
  it('is unset by default (no ceiling), a whole number of at least 1 when set', () => {
    expect(loadConfig({}).ssh.maxConnections).toBeUndefined();
    expect(loadConfig({ LAB_SSH_MAX_CONNECTIONS: '' }).ssh.maxConnections).toBeUndefined();
    expect(loadConfig({ LAB_SSH_MAX_CONNECTIONS: '800' }).ssh.maxConnections).toBe(800);
    for (const bad of ['0', '-3', '1.5', 'many'])
      expect(() => loadConfig({ LAB_SSH_MAX_CONNECTIONS: bad }), bad).toThrow(ConfigError);
  });
});
