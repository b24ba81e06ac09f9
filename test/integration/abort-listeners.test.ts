import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

/**
 * Node warns "MaxListenersExceededWarning ... abort listeners added to [AbortSignal]" when a long-lived signal
 * collects a listener per job that is never removed: a leak. Twenty jobs through one worker must not trigger it.
 */
describe('abort listeners across many jobs', () => {
  let labops: SlackLabops;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);

  beforeAll(async () => {
    process.on('warning', onWarning);
    labops = await startSlackLabops();
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await labops?.close();
  });

  it('twenty status checks leave no MaxListenersExceededWarning', async () => {
    for (let i = 0; i < 20; i++) {
      const before = labops.slack.calls.length;
      expect((await labops.slash('ntp status ntp_servers')).status).toBe(200);
      await labops.slack.waitFor(
        (c) =>
          labops.slack.calls.indexOf(c) >= before &&
          c.method === 'chat.update' &&
          /^NTP status of group ntp_servers/.test(String(c.args.text)),
        20_000,
      );
    }
    const leaks = warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
    for (const w of leaks) console.log(w.stack);
    console.log(
      `[reliability] 20 status jobs through one worker: ${leaks.length} MaxListenersExceededWarning`,
    );
    expect(leaks.map((w) => w.message)).toEqual([]);
  }, 120_000);
});
