import { symmetricTicks } from './axis.js';
import type { ChartSeries, OffsetChartInput } from './chart-data.js';
import { axes, thresholdLines } from './chart-frame.js';
import { legend } from './legend.js';
import { seriesMarks } from './series-marks.js';
import { COLORS, esc, FONT, type Frame } from './svg.js';

export type { ChartSeries, OffsetChartInput } from './chart-data.js';

/** Lines drawn at most; the others are counted in the legend (the ones with the largest offsets are kept). */
export const MAX_SERIES = 10;

function largestOffsetMs(s: ChartSeries): number {
  return Math.max(0, ...s.points.map((p) => Math.abs((p.offsetSeconds ?? 0) * 1000)));
}

/**
 * The offset of one or more hosts over time as an SVG document, with the warning and critical thresholds as
 * dashed lines on both sides of zero. Pure: the same input gives the same text.
 */
export function offsetChartSvg(input: OffsetChartInput): string {
  const width = input.width ?? 1000;
  const height = input.height ?? 480;
  const ranked = [...input.series].sort(
    (a, b) =>
      largestOffsetMs(b) - largestOffsetMs(a) || a.name.localeCompare(b.name, 'en', { numeric: true }),
  );
  const shown = ranked
    .slice(0, MAX_SERIES)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const maxAbs = Math.max(input.critMs * 1.2, ...shown.map((s) => largestOffsetMs(s) * 1.1));
  const { limit, ticks } = symmetricTicks(maxAbs, 8);
  const span = Math.max(1, input.to - input.from);
  const frame: Frame = {
    left: 78,
    top: 44,
    width: width - 78 - 190,
    height: height - 44 - 52,
    x: (t) => frame.left + ((t - input.from) / span) * frame.width,
    y: (ms) => frame.top + ((limit - ms) / (2 * limit)) * frame.height,
  };
  const checks = shown.reduce((n, s) => n + s.points.length, 0);
  const body = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${frame.left}" y="26" font-size="16" font-weight="bold" fill="#111">${esc(input.title)}</text>`,
    ...axes(frame, input, ticks, limit >= 2000),
    ...thresholdLines(frame, input.warnMs, input.critMs),
    ...shown.flatMap((s, i) => seriesMarks(s, COLORS[i % COLORS.length] ?? '#000', frame)),
    ...legend(shown, ranked.length - shown.length, frame.left + frame.width + 16, frame.top + 12),
  ];
  if (checks === 0)
    body.push(
      `<text x="${frame.left + frame.width / 2}" y="${frame.top + frame.height / 4}" text-anchor="middle" font-size="14" fill="#666">no checks recorded in this period</text>`,
    );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    ...body,
    '</svg>',
  ].join('\n');
}
