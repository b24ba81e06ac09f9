import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ntpUnsilence } from '../../../src/watch/alert-commands.js';
import { liftForHost, type Silence } from '../../../src/watch/silence.js';
import type { WatchCommandDeps } from '../../../src/watch/watch-command-deps.js';
import type { Versioned } from '../../../src/watch/watch-store.js';
import { inventoryOf } from '../../support/run-task.js';

const T0 = Date.UTC(2026, 11, 7, 9);
const H = 3600_000;
const inventory = inventoryOf(
  'all:\n  children:\n    ntp_clients:\n      hosts:\n        web1: {}\n        web2: {}\n        web3: {}\n',
);
const group = (hosts = ['web1', 'web2', 'web3']): Silence => ({
  scope: 'ntp_clients',
  hosts,
  by: 'U0BOSS',
  at: T0,
  until: T0 + 8 * H,
  reason: 'rack move',
});

/** The unsilence command on silences kept in a Map, with whatever it says in alert threads recorded. */
function setUp(silences: Silence[]) {
  const kept = new Map(silences.map((s) => [s.scope, s]));
  const told: string[] = [];
  const deps: WatchCommandDeps = {
    store: {
      load: async (hosts) =>
        new Map<string, Versioned>(hosts.map((h) => [h, { version: 0, record: undefined }])),
      lastCheck: async () => undefined,
      paused: async () => undefined,
      pause: async () => undefined,
      resume: async () => undefined,
      update: async () => undefined,
    },
    silences: {
      list: async () => [...kept.values()],
      set: async (s) => void kept.set(s.scope, s),
      remove: async (scope) => {
        const s = kept.get(scope);
        kept.delete(scope);
        return s;
      },
    },
    chart: async () => Buffer.alloc(0),
    inventory,
    chat: { post: async () => ({ ts: '1' }), reply: async (_c, _t, m) => void told.push(m.text) },
    files: { upload: async () => undefined },
    alertChannel: 'C0ALERTS',
    intervalSeconds: 60,
    confirmChecks: 2,
    isAdmin: (u) => u === 'U0ADMIN',
    mention: (u) => `<@${u}>`,
    now: () => T0 + H,
    log: pino({ level: 'silent' }),
  };
  const unsilence = async (target: string, user = 'U0ADMIN') => {
    const r = await ntpUnsilence([target], { user, channel: 'C1' }, deps);
    return r.kind === 'reply' ? r.message.text : '';
  };
  return { kept, unsilence };
}

describe('/lab ntp unsilence <host> when a group silence covers the host', () => {
  it('takes the host out of the group silence, which goes on for the others, and says so', async () => {
    const { kept, unsilence } = setUp([group()]);
    expect(await unsilence('web2')).toBe(
      'web2 is no longer silenced; took web2 out of the silence on ntp_clients (by <@U0BOSS>), which goes on for web1, web3: its alerts are posted again.',
    );
    expect(kept.get('ntp_clients')).toEqual({ ...group(), hosts: ['web1', 'web3'] });
  });

  it("ends the host's own silence and lifts the group's for it too", async () => {
    const own: Silence = { scope: 'web1', hosts: ['web1'], by: 'U0ADMIN', at: T0, until: T0 + 2 * H };
    const { kept, unsilence } = setUp([own, group()]);
    expect(await unsilence('web1')).toMatch(
      /^Ended the silence on web1; took web1 out of the silence on ntp_clients .* goes on for web2, web3/,
    );
    expect([...kept.keys()]).toEqual(['ntp_clients']);
  });

  it('ends a group silence whose last host it was', async () => {
    const { kept, unsilence } = setUp([group(['web3'])]);
    expect(await unsilence('web3')).toMatch(
      /ended the silence on ntp_clients .*: web3 was the last host it covered/,
    );
    expect(kept.size).toBe(0);
  });

  it('unsilencing the group ends it for all; a host nothing covers is told so; non-admins are refused', async () => {
    const { kept, unsilence } = setUp([group()]);
    expect(await unsilence('web1', 'U0OTHER')).toMatch(/^Only lab admins may run `\/lab ntp unsilence web1`/);
    expect(kept.size).toBe(1);
    expect(await unsilence('ntp_clients')).toBe(
      'Ended the silence on ntp_clients: its alerts are posted again.',
    );
    expect(await unsilence('web1')).toBe('No silence on `web1`. Nothing is silenced.');
  });
});

describe('liftForHost', () => {
  it('leaves silences that do not cover the host, or are over, as they are', () => {
    const over = { ...group(), scope: 'old', until: T0 };
    expect(liftForHost([group(), over], 'web9', T0 + H)).toEqual({ narrowed: [], ended: [] });
    expect(liftForHost([over], 'web1', T0 + H)).toEqual({ narrowed: [], ended: [] });
  });
});
