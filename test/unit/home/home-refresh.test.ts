import type { HomeView } from '@slack/types';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHomeRefresher } from '../../../src/home/home-refresh.js';

const view = (n: number): HomeView => ({ type: 'home', blocks: [{ type: 'divider', block_id: `v${n}` }] });

describe('the App Home refresher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setUp = (users: string[], failFor?: string) => {
    const published: [string, HomeView][] = [];
    let built = 0;
    const homes = createHomeRefresher({
      viewers: async () => users,
      view: async () => view(++built),
      publish: async (user, v) => {
        if (user === failFor) throw new Error('not_enabled');
        published.push([user, v]);
      },
      debounceMs: 2000,
      log: pino({ level: 'silent' }),
    });
    return { homes, published, builds: () => built };
  };

  it('many changes in one window: one view, published once to each recent viewer', async () => {
    const { homes, published, builds } = setUp(['U1', 'U2']);
    for (let i = 0; i < 10; i++) homes.request();
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(builds()).toBe(1);
    expect(published).toEqual([
      ['U1', view(1)],
      ['U2', view(1)],
    ]);
    homes.request(); // a later change: a new window
    await vi.advanceTimersByTimeAsync(2000);
    expect(published.map(([u, v]) => [u, v.blocks[0]?.block_id])).toEqual([
      ['U1', 'v1'],
      ['U2', 'v1'],
      ['U1', 'v2'],
      ['U2', 'v2'],
    ]);
  });

  it('nobody opened it: nothing is built; one failed publish does not stop the others; stop() ends it', async () => {
    const none = setUp([]);
    none.homes.request();
    await vi.advanceTimersByTimeAsync(2000);
    expect(none.builds()).toBe(0);

    const some = setUp(['U1', 'U2', 'U3'], 'U2');
    some.homes.request();
    await vi.advanceTimersByTimeAsync(2000);
    expect(some.published.map(([u]) => u)).toEqual(['U1', 'U3']);

    some.homes.request();
    some.homes.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(some.published).toHaveLength(2);
  });

  it('another process holds the window: this one looks again after it, so its change is shown too', async () => {
    const published: string[] = [];
    const claims = [false, true];
    const homes = createHomeRefresher({
      viewers: async () => ['U1'],
      view: async () => view(1),
      publish: async (user) => void published.push(user),
      claim: async () => claims.shift() ?? true,
      debounceMs: 2000,
      log: pino({ level: 'silent' }),
    });
    homes.request();
    await vi.advanceTimersByTimeAsync(2000);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(published).toEqual(['U1']);
  });

  it('one refresh at a time: a change during a slow one gives one more refresh after it, not an overlap', async () => {
    let running = 0;
    let most = 0;
    let publishes = 0;
    const homes = createHomeRefresher({
      viewers: async () => ['U1'],
      view: async () => view(1),
      publish: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5000)); // Slack slow, or retrying a 429
        running--;
        publishes++;
      },
      debounceMs: 2000,
      log: pino({ level: 'silent' }),
    });
    homes.request();
    await vi.advanceTimersByTimeAsync(2500); // the first refresh is publishing
    homes.request();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(most).toBe(1);
    expect(publishes).toBe(2);
  });
});
