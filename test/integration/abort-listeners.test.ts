import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

/**
 * Node warns "MaxListenersExceededWarning ... abort listeners added to [AbortSignal]" when more than ten listeners
 * sit on one signal. Twenty status jobs through one worker, with the drift watch checking every NTP host each
 * second beside them, must not trigger it.
 */
describe('abort listeners across many jobs', () => {
  let labops: SlackLabops;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);

  beforeAll(async () => {
    process.on('warning', onWarning);
    labops = await startSlackLabops({ LAB_ALERT_CHANNEL: 'C0ALERTS', LAB_DRIFT_INTERVAL: '1' });
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await labops?.close();
  });

  const watchChecks = async () => {
    const text = await (await fetch(`http://127.0.0.1:${labops.httpPort}/metrics`)).text();
    return Number(/^labops_drift_checks_total (\d+)/m.exec(text)?.[1] ?? 0);
  };

  it('twenty status checks and the drift watch leave no MaxListenersExceededWarning', async () => {
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
    // and a few whole checks of the watch (each over every NTP host of the lab)
    for (let i = 0; i < 100 && (await watchChecks()) < 3; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await watchChecks()).toBeGreaterThanOrEqual(3);
    const leaks = warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
    console.log(
      `[reliability] 20 status jobs + ${await watchChecks()} drift-watch checks in one process: ${leaks.length} MaxListenersExceededWarning`,
    );
    expect(leaks.map((w) => w.message)).toEqual([]);
  }, 120_000);
});
