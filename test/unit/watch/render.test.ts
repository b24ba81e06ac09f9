import { describe, expect, it } from 'vitest';
import { renderAlerts } from '../../../src/watch/render-alerts.js';
import { renderAnnouncement, renderResolvedAlert } from '../../../src/watch/render-announcement.js';
import type { Announcement, HostRecord } from '../../../src/watch/watch-state.js';

const T = Date.UTC(2026, 4, 1, 12, 3, 5);
const RULES = { flapWindowMs: 3600_000, flapStableChecks: 10 };
const base: Announcement = {
  kind: 'alert',
  host: 'client-drift',
  incident: 'client-drift@1',
  state: 'critical',
  from: 'ok',
  since: T,
  observation: {
    at: T + 60_000,
    state: 'critical',
    offsetSeconds: 3.000011,
    source: '127.0.2.3',
    reason: 'clock 3.0 s slow of NTP time (critical above 500 ms)',
    hint: 'run chronyc makestep on the host',
  },
  opens: true,
  closes: false,
};

describe('announcements', () => {
  it('an alert names the host, the state, the signed offset in words, the source and since when', () => {
    const m = renderAnnouncement(base, RULES);
    expect(m.text).toContain('🔴 client-drift: drifting (critical) since 2026-05-01 12:03:05 UTC');
    expect(m.text).toContain('offset 3.0 s slow of NTP time, source 127.0.2.3');
    expect(m.text).toContain('Changes and the recovery will be posted in this thread.');
    const blocks = JSON.stringify(m.blocks);
    expect(blocks).toContain('<!date^1777636985^');
    expect(blocks).toContain('*3.0 s slow of NTP time*');
    expect(blocks).toContain('`127.0.2.3`');
  });

  it('says fast for a negative offset, and why for an unreachable host', () => {
    const fast = renderAnnouncement(
      {
        ...base,
        state: 'warning',
        observation: { ...base.observation, state: 'warning', offsetSeconds: -0.08 },
      },
      RULES,
    );
    expect(fast.text).toContain('offset 80.0 ms fast of NTP time');
    const down = renderAnnouncement(
      {
        ...base,
        state: 'unreachable',
        observation: {
          at: T,
          state: 'unreachable',
          errorCode: 'unreachable',
          reason: 'connection refused (127.0.2.10:2222) <x>',
        },
      },
      RULES,
    );
    expect(down.text).toContain('❌ client-drift: unreachable since');
    expect(down.text).toContain('SSH failed: connection refused (127.0.2.10:2222) <x>.');
    expect(JSON.stringify(down.blocks)).toContain('&lt;x&gt;');
  });

  it('a recovery says how long it lasted; a flapping notice how often it changed', () => {
    const rec = renderAnnouncement(
      {
        ...base,
        kind: 'recovery',
        state: 'ok',
        from: 'critical',
        since: T + 300_000,
        openedAt: T,
        opens: false,
        closes: true,
        observation: { at: T + 360_000, state: 'ok', offsetSeconds: -0.0000014, source: '127.0.2.3' },
      },
      RULES,
    );
    expect(rec.text).toMatch(
      /^✅ client-drift is back in sync since 2026-05-01 12:08:05 UTC after 5 min \(was drifting \(critical\)\)/,
    );
    expect(rec.text).toContain('offset 1.4 µs fast of NTP time');
    const flap = renderAnnouncement({ ...base, kind: 'flapping', changes: 5 }, RULES);
    expect(flap.text).toContain(
      '🔁 client-drift is flapping: 5 state changes within 1 h, now drifting (critical)',
    );
    expect(flap.text).toContain('until one state holds for 10 checks in a row');
    const resolved = renderResolvedAlert('🔴 *client-drift*: drifting (critical)', {
      ...base,
      kind: 'recovery',
      since: T,
    });
    expect(JSON.stringify(resolved.blocks)).toContain('~🔴 *client-drift*: drifting (critical)~');
  });
});

describe('/lab ntp alerts', () => {
  const record = (host: string, state: HostRecord['state'], extra: Partial<HostRecord> = {}): HostRecord => ({
    host,
    state,
    since: T,
    changes: [],
    outbox: [],
    threads: {},
    last: {
      at: T + 120_000,
      state,
      ...(state === 'critical' ? { offsetSeconds: 3, source: '127.0.2.3' } : {}),
    },
    ...extra,
  });
  const view = {
    hosts: 4,
    intervalSeconds: 60,
    confirmChecks: 2,
    now: T + 180_000,
    mention: (u: string) => `<@${u}>`,
    lastCheck: { at: T + 120_000, durationMs: 250, hosts: 4 },
  };

  it('lists open alerts worst first with the last check, and states still being confirmed', () => {
    const m = renderAlerts({
      ...view,
      records: [
        record('client-sync', 'ok', { pending: { state: 'warning', count: 1, since: T } }),
        record('client-drift', 'critical'),
        record('client-off', 'unreachable'),
      ],
    });
    const lines = m.text.split('\n');
    expect(lines[0]).toContain('checks 4 hosts every 1 min');
    expect(lines[0]).toContain('Last check 2026-05-01 12:05:05 UTC (1 min ago, took 250 ms)');
    expect(lines[1]).toBe('Open alerts (2):');
    expect(lines[2]).toMatch(/^❌ client-off: unreachable since 2026-05-01 12:03:05 UTC \(3 min\)/);
    expect(lines[3]).toContain(
      '🔴 client-drift: drifting (critical) since 2026-05-01 12:03:05 UTC (3 min): offset 3.0 s slow of NTP time',
    );
    expect(lines[4]).toBe('⏳ client-sync: looks drifting (warning) (1 of 2 checks)');
  });

  it('says when nothing is open, when paused and when the watch is off', () => {
    expect(renderAlerts({ ...view, records: [record('a', 'ok')] }).text).toContain('No open alerts');
    expect(renderAlerts({ ...view, records: [], paused: { by: 'U1', at: T } }).text).toContain(
      'paused (by <@U1>',
    );
    expect(renderAlerts({ ...view, records: [], off: 'LAB_ALERT_CHANNEL is not set' }).text).toContain(
      'Clock-drift watch is off: LAB_ALERT_CHANNEL is not set',
    );
  });
});
