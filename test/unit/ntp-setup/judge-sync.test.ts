import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeSync } from '../../../src/tasks/ntp-setup/judge-sync.js';
import { section } from '../ntp-status/fixtures.js';

const T = { warnMs: 50, critMs: 500 };
const status = (scenario: string) => section('status-command.txt', `NTP_STATUS_COMMAND: ${scenario}`);
const upstreamDown = readFileSync(
  new URL('../../fixtures/ntp-setup/server-local-upstream-unreachable.txt', import.meta.url),
  'utf8',
).replace(/^#.*\n/, '');

describe('judgeSync (is a host done after setup?)', () => {
  it('a client with a selected source is synced, with the status line /lab ntp status shows', () => {
    const v = judgeSync('c1', 'client', status('client (server, peer, refclock)'), T);
    expect(v.synced).toBe(true);
    expect(v.status).toMatchObject({ state: 'ok', selected: { address: '127.0.73.101' } });
  });

  it('a time server of its local clock is synced', () => {
    expect(judgeSync('s1', 'server', status('time server (local stratum 3)'), T)).toMatchObject({
      synced: true,
      status: { state: 'ok', reason: 'serving local clock, stratum 3' },
    });
  });

  it('a time server whose upstream is not reached yet counts as synced (it serves local stratum)', () => {
    expect(judgeSync('s1', 'server', upstreamDown, T)).toMatchObject({
      synced: true,
      status: {
        state: 'ok',
        stratum: 3,
        reason:
          'serving local clock, stratum 3 (upstream not reached yet: all 1 sources unreachable (127.0.66.250 reach 0))',
      },
    });
    // the same output on a client would be a problem (clients have no local stratum)
    expect(judgeSync('c1', 'client', upstreamDown, T).synced).toBe(false);
  });

  it('chronyd down is not synced (yet), with the reason', () => {
    const v = judgeSync('c1', 'client', status('chronyd not running'), T);
    expect(v).toMatchObject({ synced: false, status: { state: 'error', errorCode: 'daemon-down' } });
  });
});
