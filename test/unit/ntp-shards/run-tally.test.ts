import { describe, expect, it } from 'vitest';
import { RunTally } from '../../../src/ntp-shards/run-tally.js';
import { fromStored, notCheckedStatus, toStored } from '../../../src/ntp-shards/stored-status.js';
import { errorStatus, type NtpHostStatus } from '../../../src/tasks/chrony/classify.js';
import { hostLine } from '../../../src/tasks/chrony/render-host-line.js';

const ok = (host: string): NtpHostStatus => ({ host, state: 'ok', offsetSeconds: 0.0001, stratum: 3 });

describe('what a shared check’s coordinator knows of its hosts', () => {
  it('settles each host once, by its first recorded status, and counts the progress', () => {
    const tally = new RunTally(['a', 'b', 'c']);
    expect(tally.settled).toBe(0);
    const first = tally.take([
      ['a', toStored(ok('a'))],
      ['a', toStored({ ...ok('a'), state: 'critical' })],
    ]);
    expect(first).toEqual([ok('a')]);
    expect(tally.settled).toBe(1);
    expect(tally.take([['a', toStored(ok('a'))]])).toEqual([]);
    expect(tally.take([['b', toStored(ok('b'))]]).map((s) => s.host)).toEqual(['b']);
    expect(tally.settled).toBe(2);
    expect(tally.complete).toBe(false);
    expect(tally.take([['c', toStored(ok('c'))]])).toHaveLength(1);
    expect(tally.complete).toBe(true);
  });

  it('ignores a host the run did not ask for', () => {
    const tally = new RunTally(['a']);
    expect(tally.take([['intruder', toStored(ok('intruder'))]])).toEqual([]);
    expect(tally.settled).toBe(0);
  });

  it('turns the hosts no worker recorded into errors that say why and what to do, never a gap', () => {
    const tally = new RunTally(['a', 'b', 'c']);
    tally.take([['b', toStored(ok('b'))]]);
    const lost = tally.missing(['a', 'b', 'c'], 'job stalled more than allowable limit');
    expect(lost.map((s) => s.host)).toEqual(['a', 'c']);
    for (const s of lost) {
      expect(s).toMatchObject({ state: 'error', errorCode: 'not-checked' });
      expect(s.reason).toBe('the worker that had it failed (job stalled more than allowable limit)');
      expect(s.hint).toBe('Run the command again.');
    }
    expect(tally.complete).toBe(true);
    expect(hostLine(notCheckedStatus('a'), 'plain')).toMatch(
      /a: not checked: the worker that had it failed\. .*Run the command again\./,
    );
  });
});

describe('a status recorded by a shard and read back', () => {
  it('comes back as it was, without the raw sources table', () => {
    const s: NtpHostStatus = {
      ...errorStatus('h1', 'daemon-down', '506 Cannot talk to daemon', 'Start chronyd.'),
      sourcesTable: 'MS Name/IP address\n^* 10.0.0.1',
    };
    const { sourcesTable: _t, ...rest } = s;
    expect(fromStored('h1', toStored(s))).toEqual(rest);
  });

  it('cuts long host text to its bounds', () => {
    const s = {
      ...ok('h1'),
      state: 'error' as const,
      reason: 'x'.repeat(10_000),
      outputCut: 'y'.repeat(1000),
    };
    const back = fromStored('h1', toStored(s));
    expect(back.reason?.length).toBe(2000);
    expect(back.outputCut?.length).toBe(300);
    expect(back.state).toBe('error');
  });

  it('is not trusted when it does not parse or names another host: an error saying so', () => {
    for (const raw of ['{', '{"host":"h1","state":"fine"}', JSON.stringify(ok('other')), '[]']) {
      const back = fromStored('h1', raw);
      expect(back, raw).toMatchObject({ host: 'h1', state: 'error', errorCode: 'not-checked' });
      expect(back.reason).toMatch(/could not be read back/);
    }
  });
});
