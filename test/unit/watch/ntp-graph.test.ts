import { describe, expect, it } from 'vitest';
import { ChartError } from '../../../src/chart/png-renderer.js';
import { parseInventory } from '../../../src/inventory/index.js';
import { createLogger } from '../../../src/log/logger.js';
import { ntpGraph } from '../../../src/watch/ntp-graph-command.js';
import type { WatchCommandDeps } from '../../../src/watch/watch-command-deps.js';

const inventory = parseInventory(
  'all:\n  children:\n    ntp_servers:\n      hosts:\n        ntp1: { ansible_host: 10.0.0.1 }\n',
  'inventory.yml',
  { user: 'root' },
);

function deps(chart: WatchCommandDeps['chart'], uploads: string[]): WatchCommandDeps {
  return {
    store: {} as WatchCommandDeps['store'],
    silences: {} as WatchCommandDeps['silences'],
    chart,
    inventory,
    chat: { post: async () => ({ ts: '1.1' }), reply: async () => undefined },
    files: { upload: async (_channel, file) => void uploads.push(file.filename) },
    intervalSeconds: 60,
    confirmChecks: 2,
    isAdmin: () => false,
    mention: (u) => `<@${u}>`,
    now: () => Date.UTC(2026, 0, 1),
    log: createLogger('silent'),
  };
}

describe('/lab ntp graph when the chart cannot be drawn', () => {
  it('says so and what to do, and uploads nothing', async () => {
    const uploads: string[] = [];
    const late = async () => {
      throw new ChartError('drawing the chart took longer than 15 s');
    };
    const answer = await ntpGraph(['ntp1', '1'], { user: 'U1', channel: 'C1' }, deps(late, uploads));
    expect(answer).toEqual({
      kind: 'reply',
      message: {
        text: 'Could not draw the chart of host ntp1: drawing the chart took longer than 15 s. Try again in a minute.',
      },
    });
    expect(uploads).toEqual([]);
  });
});
