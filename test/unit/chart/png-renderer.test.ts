import { afterAll, describe, expect, it } from 'vitest';
import { offsetChartSvg } from '../../../src/chart/offset-chart-svg.js';
import { ChartError, createPngRenderer } from '../../../src/chart/png-renderer.js';
import { offsetChartOf } from '../../../src/watch/offset-chart-of.js';

const TO = Date.UTC(2026, 4, 1, 12, 0, 0);
const WEEK = 7 * 86_400_000;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A week of one check a minute for ten hosts: the biggest chart `/lab ntp graph` draws. */
const history = {
  read: async (hosts: readonly string[]) =>
    new Map(
      hosts.map((host, h) => [
        host,
        Array.from({ length: WEEK / 60_000 }, (_, i) => ({
          at: TO - WEEK + i * 60_000,
          offsetSeconds: Math.sin(i / 50 + h) * 0.4,
          state: 'ok' as const,
        })),
      ]),
    ),
};

/** Counts turns of the event loop until `work` settles: 0 means the work held the loop the whole time. */
async function loopTurnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let spinning = true;
  const spin = () => {
    if (!spinning) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { value: await work(), turns };
  } finally {
    spinning = false;
  }
}

describe('the chart thread', () => {
  const renderer = createPngRenderer({ timeoutMs: 30_000, maxQueue: 4, idleMs: 1000 });
  afterAll(() => renderer.close());

  it('draws a week of ten hosts as a PNG while the event loop keeps turning', async () => {
    const chart = offsetChartOf(history, { warnMs: 50, critMs: 500 }, renderer);
    const hosts = Array.from({ length: 10 }, (_, i) => `client-${i}`);
    const started = Date.now();
    const { value: png, turns } = await loopTurnsDuring(() =>
      chart('group ntp_clients', hosts, { from: TO - WEEK, to: TO }),
    );
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
    // drawn on the main thread, not one turn of the loop would have happened meanwhile
    expect(turns).toBeGreaterThan(1);
    console.log(
      `[reliability] a week of 10 hosts drawn on the chart thread in ${Date.now() - started} ms; the event loop turned ${turns} times meanwhile`,
    );
  }, 60_000);

  it('reports an SVG resvg refuses as a ChartError, and draws the next one', async () => {
    await expect(renderer.render('<svg this is not')).rejects.toThrow(ChartError);
    await expect(renderer.render('<svg this is not')).rejects.toThrow(/the chart could not be drawn: /);
    const png = await renderer.render(
      offsetChartSvg({ title: 't', from: TO - 3600_000, to: TO, warnMs: 50, critMs: 500, series: [] }),
    );
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
  }, 60_000);
});

describe('a chart thread that is too slow or too busy', () => {
  const svg = offsetChartSvg({
    title: 't',
    from: TO - 3600_000,
    to: TO,
    warnMs: 50,
    critMs: 500,
    series: [],
  });

  it('gives up on a render past its deadline with a ChartError (the thread is replaced)', async () => {
    // 1 ms: less than the thread needs to start, so every render is late
    const late = createPngRenderer({ timeoutMs: 1, maxQueue: 4, idleMs: 1000 });
    try {
      await expect(late.render(svg)).rejects.toThrow(/drawing the chart took longer than 1 s/);
      await expect(late.render(svg)).rejects.toThrow(ChartError);
    } finally {
      await late.close();
    }
  }, 60_000);

  it('refuses charts beyond its queue at once, and still draws the ones it took', async () => {
    const busy = createPngRenderer({ timeoutMs: 30_000, maxQueue: 1, idleMs: 1000 });
    try {
      const drawing = busy.render(svg);
      const waiting = busy.render(svg);
      await expect(busy.render(svg)).rejects.toThrow(/1 charts are already waiting to be drawn/);
      expect([...(await drawing).subarray(0, 8)]).toEqual(PNG_MAGIC);
      expect([...(await waiting).subarray(0, 8)]).toEqual(PNG_MAGIC);
    } finally {
      await busy.close();
    }
  }, 60_000);
});
