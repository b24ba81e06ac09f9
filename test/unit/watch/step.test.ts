import { describe, expect, it } from 'vitest';
import { step } from '../../../src/watch/step.js';
import type {
  Announcement,
  HostRecord,
  Observation,
  WatchRules,
  WatchState,
} from '../../../src/watch/watch-state.js';

const RULES: WatchRules = { confirmChecks: 2, flapChanges: 4, flapWindowMs: 3600_000, flapStableChecks: 5 };
const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);
const MINUTE = 60_000;

const OFFSET: Record<WatchState, number | undefined> = {
  ok: 0.000002,
  warning: 0.08,
  critical: 3.0,
  unsynchronised: undefined,
  unreachable: undefined,
};

function obs(state: WatchState, minute: number): Observation {
  const o: Observation = { at: T0 + minute * MINUTE, state };
  const offset = OFFSET[state];
  if (offset !== undefined) o.offsetSeconds = offset;
  if (state !== 'unreachable') o.source = '127.0.2.3';
  if (state === 'unreachable') Object.assign(o, { errorCode: 'unreachable', reason: 'connection refused' });
  return o;
}

/** Runs a sequence of observed states, one a minute, and collects what was announced at which minute. */
function run(states: WatchState[], rules = RULES, start?: HostRecord, firstMinute = 0) {
  let record = start;
  const said: Array<{ minute: number; a: Announcement }> = [];
  states.forEach((state, i) => {
    const minute = firstMinute + i;
    const result = step(record, obs(state, minute), rules, 'client-drift');
    record = result.record;
    for (const a of result.announcements) said.push({ minute, a });
  });
  return { record: record as HostRecord, said };
}

const kinds = (said: Array<{ a: Announcement }>) => said.map(({ a }) => `${a.kind}:${a.state}`);

describe('the watch state machine', () => {
  it('stays quiet while a host is in sync', () => {
    const { record, said } = run(['ok', 'ok', 'ok']);
    expect(said).toEqual([]);
    expect(record.state).toBe('ok');
    expect(record.incident).toBeUndefined();
    expect(record.pending).toBeUndefined();
  });

  it('announces a new state once, after it held for the confirm count, and not again', () => {
    const { record, said } = run(['ok', 'critical', 'critical', 'critical', 'critical']);
    expect(kinds(said)).toEqual(['alert:critical']);
    const [{ minute, a }] = said as [{ minute: number; a: Announcement }];
    expect(minute).toBe(2); // the second critical check in a row
    expect(a).toMatchObject({
      host: 'client-drift',
      from: 'ok',
      opens: true,
      closes: false,
      since: T0 + 1 * MINUTE, // since the first check that saw it
      observation: { offsetSeconds: 3.0, source: '127.0.2.3' },
    });
    expect(record.incident?.id).toBe(a.incident);
  });

  it('ignores a blip shorter than the confirm count', () => {
    const { said, record } = run(['ok', 'critical', 'ok', 'warning', 'ok', 'ok']);
    expect(said).toEqual([]);
    expect(record.pending).toBeUndefined();
  });

  it('needs the same state in a row: alternating bad states confirm nothing', () => {
    expect(run(['ok', 'warning', 'critical', 'warning', 'critical']).said).toEqual([]);
  });

  it('with confirm 1 announces at the first check', () => {
    const { said } = run(['ok', 'unreachable'], { ...RULES, confirmChecks: 1 });
    expect(kinds(said)).toEqual(['alert:unreachable']);
  });

  it('posts a change between bad states into the open incident, and the recovery closes it', () => {
    const { said, record } = run(['warning', 'warning', 'critical', 'critical', 'ok', 'ok']);
    expect(kinds(said)).toEqual(['alert:warning', 'change:critical', 'recovery:ok']);
    const [alert, change, recovery] = said.map(({ a }) => a) as [Announcement, Announcement, Announcement];
    expect(change).toMatchObject({ incident: alert.incident, opens: false, from: 'warning' });
    expect(recovery).toMatchObject({
      incident: alert.incident,
      closes: true,
      from: 'critical',
      openedAt: T0,
      since: T0 + 4 * MINUTE,
    });
    expect(record.incident).toBeUndefined();
    expect(record.state).toBe('ok');
  });

  it('announces unreachable and unsynchronised like drift', () => {
    expect(kinds(run(['ok', 'unreachable', 'unreachable']).said)).toEqual(['alert:unreachable']);
    expect(kinds(run(['unsynchronised', 'unsynchronised']).said)).toEqual(['alert:unsynchronised']);
  });

  it('after a restart (the record read back from Redis) neither repeats an alert nor forgets it', () => {
    const before = run(['ok', 'critical', 'critical', 'critical']);
    expect(kinds(before.said)).toEqual(['alert:critical']);
    const restored = JSON.parse(JSON.stringify(before.record)) as HostRecord;
    const after = run(['critical', 'critical', 'ok', 'ok'], RULES, restored, 4);
    expect(kinds(after.said)).toEqual(['recovery:ok']);
    expect(after.said[0]?.a.incident).toBe(before.said[0]?.a.incident);
  });

  it('keeps a half-confirmed state across a restart', () => {
    const before = run(['ok', 'critical']);
    const restored = JSON.parse(JSON.stringify(before.record)) as HostRecord;
    expect(kinds(run(['critical'], RULES, restored, 2).said)).toEqual(['alert:critical']);
  });

  it('ignores a check older than the last one (a late, overlapping tick)', () => {
    const { record } = run(['ok', 'critical', 'critical']);
    const late = step(record, obs('ok', 1), RULES, 'client-drift');
    expect(late.record).toBe(record);
    expect(late.announcements).toEqual([]);
  });

  it('summarises a flapping host in one notice, then stays quiet until it is stable', () => {
    // each pair of checks confirms a change: ok -> critical -> ok -> critical -> ok -> critical...
    const flap: WatchState[] = [];
    for (let i = 0; i < 8; i++)
      flap.push(...((i % 2 === 0 ? ['critical', 'critical'] : ['ok', 'ok']) as WatchState[]));
    const { said, record } = run(flap);
    // four changes are announced (2 incidents), the fifth becomes the flapping notice, then nothing
    expect(kinds(said)).toEqual([
      'alert:critical',
      'recovery:ok',
      'alert:critical',
      'recovery:ok',
      'flapping:critical',
    ]);
    const notice = said[4]?.a as Announcement;
    expect(notice).toMatchObject({ changes: 5, opens: true });
    expect(record.flapping).toBeDefined();

    // ok since the last two checks of the flap: after 3 more (5 in a row), one announcement, in the flapping thread
    const settled = run(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'], RULES, record, flap.length);
    expect(kinds(settled.said)).toEqual(['recovery:ok']);
    expect(settled.said[0]).toMatchObject({ minute: flap.length + 2 });
    expect(settled.said[0]?.a).toMatchObject({
      incident: notice.incident,
      closes: true,
      flappingSince: notice.observation.at,
    });
    expect(settled.record.flapping).toBeUndefined();
    expect(settled.record.changes).toEqual([]);

    // once stable, changes are announced again as usual
    const again = run(['critical', 'critical'], RULES, settled.record, flap.length + 7);
    expect(kinds(again.said)).toEqual(['alert:critical']);
  });

  it('a flapping host that settles on a bad state says so once, and its recovery closes the thread later', () => {
    const flap: WatchState[] = [];
    for (let i = 0; i < 5; i++)
      flap.push(...((i % 2 === 0 ? ['warning', 'warning'] : ['ok', 'ok']) as WatchState[]));
    const flapping = run(flap);
    expect(kinds(flapping.said).at(-1)).toBe('flapping:warning');
    const incident = flapping.said.at(-1)?.a.incident;
    const steady = run(
      ['critical', 'critical', 'critical', 'critical', 'critical', 'critical'],
      RULES,
      flapping.record,
      10,
    );
    expect(kinds(steady.said)).toEqual(['settled:critical']);
    expect(steady.said[0]?.a).toMatchObject({ incident, opens: false, closes: false });
    const recovered = run(['ok', 'ok'], RULES, steady.record, 16);
    expect(kinds(recovered.said)).toEqual(['recovery:ok']);
    expect(recovered.said[0]?.a.incident).toBe(incident);
  });

  it('changes older than the window do not count towards flapping', () => {
    const rules = { ...RULES, flapWindowMs: 5 * MINUTE };
    const { said } = run(
      [
        'critical',
        'critical',
        'ok',
        'ok',
        'ok',
        'ok',
        'critical',
        'critical',
        'ok',
        'ok',
        'ok',
        'ok',
        'critical',
        'critical',
      ],
      rules,
    );
    expect(kinds(said)).toEqual([
      'alert:critical',
      'recovery:ok',
      'alert:critical',
      'recovery:ok',
      'alert:critical',
    ]);
  });
});
