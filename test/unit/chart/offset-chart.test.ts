import { describe, expect, it } from 'vitest';
import { niceStep, offsetLabel, symmetricTicks, timeTicks } from '../../../src/chart/axis.js';
import { renderOffsetChart } from '../../../src/chart/offset-chart.js';
import { MAX_SERIES, offsetChartSvg } from '../../../src/chart/offset-chart-svg.js';

const TO = Date.UTC(2026, 4, 1, 12, 0, 0);
const FROM = TO - 3600_000;
const minutes = (f: (i: number) => number | undefined) =>
  Array.from({ length: 60 }, (_, i) => ({ at: FROM + i * 60_000, offsetSeconds: f(i) }));
const input = {
  title: 'Clock offset of host client-drift, last hour',
  from: FROM,
  to: TO,
  warnMs: 50,
  critMs: 500,
  series: [{ name: 'client-drift', points: minutes((i) => (i < 30 ? 0.00001 : i === 40 ? undefined : 3.0)) }],
};

describe('axis helpers', () => {
  it('picks 1-2-5 steps and symmetric limits', () => {
    expect(niceStep(6000, 8)).toBe(1000);
    expect(niceStep(1200, 8)).toBe(200);
    expect(symmetricTicks(3300, 8)).toMatchObject({ limit: 4000 });
    expect(symmetricTicks(600, 8).ticks).toEqual([-600, -400, -200, 0, 200, 400, 600]);
  });
  it('labels offsets with a sign and time on whole minutes', () => {
    expect(offsetLabel(500, false)).toBe('+500 ms');
    expect(offsetLabel(-2000, true)).toBe('−2 s');
    expect(offsetLabel(0, true)).toBe('0');
    expect(timeTicks(FROM, TO, 8)).toMatchObject({ step: 600_000 });
  });
});

describe('the offset chart', () => {
  it('draws both thresholds on both sides of zero, the title, the host and a gap for a missing offset', () => {
    const svg = offsetChartSvg(input);
    expect(svg).toContain('Clock offset of host client-drift, last hour');
    expect(svg).toContain('critical +500 ms');
    expect(svg).toContain('critical −500 ms');
    expect(svg).toMatch(/warning (\+50 ms|±50 ms)/);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(4);
    expect(svg).toContain('client-drift');
    expect(svg.match(/<polyline/g)).toHaveLength(2); // the missing check at minute 40 splits the line
    expect(svg).toContain('+3 s'); // the range grows to show 3 s
  });

  it('is pure: the same data gives the same picture', () => {
    expect(offsetChartSvg(input)).toBe(offsetChartSvg(input));
  });

  it('escapes names and says when there is nothing to draw', () => {
    const svg = offsetChartSvg({ ...input, title: 'a <b> & c', series: [{ name: 'x&y', points: [] }] });
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('x&amp;y');
    expect(svg).toContain('no checks recorded in this period');
  });

  it('draws the hosts with the largest offsets and counts the others', () => {
    const series = Array.from({ length: MAX_SERIES + 3 }, (_, n) => ({
      name: `host-${n}`,
      points: minutes(() => n / 1000),
    }));
    const svg = offsetChartSvg({ ...input, series });
    expect(svg).toContain('and 3 more hosts');
    expect(svg).toContain(`host-${MAX_SERIES + 2}`);
    expect(svg).not.toContain('>host-0<');
  });

  it('thins a week of checks to one per pixel column, keeping the spike', () => {
    const week = Array.from({ length: 7 * 1440 }, (_, i) => ({
      at: TO - 7 * 86_400_000 + i * 60_000,
      offsetSeconds: i === 5000 ? 2.5 : 0.001,
    }));
    const svg = offsetChartSvg({
      ...input,
      from: TO - 7 * 86_400_000,
      series: [{ name: 'h', points: week }],
    });
    const points = /<polyline points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
    expect(points.length).toBeLessThan(1000);
    expect(svg).toContain('+3 s'); // the 2.5 s spike still sets the range
  });

  it('renders a PNG without a browser', () => {
    const png = renderOffsetChart(input);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1000); // IHDR width
    expect(png.readUInt32BE(20)).toBe(480);
  });
});
