import type { OffsetChartInput } from '../chart/offset-chart.js';
import type { NtpThresholds } from '../tasks/chrony/classify.js';
import type { OffsetPoint } from './offset-history.js';

/** The chart of some hosts' history over [from, to]: pure, from what the history returned. */
export function chartInput(
  label: string,
  history: ReadonlyMap<string, OffsetPoint[]>,
  range: { from: number; to: number },
  thresholds: NtpThresholds,
): OffsetChartInput {
  const hours = (range.to - range.from) / 3600_000;
  const span = hours === 1 ? 'last hour' : `last ${Number(hours.toFixed(1))} hours`;
  return {
    title: `Clock offset of ${label}, ${span}`,
    from: range.from,
    to: range.to,
    warnMs: thresholds.warnMs,
    critMs: thresholds.critMs,
    series: [...history].map(([name, points]) => ({ name, points })),
  };
}
