import { renderOffsetChart } from '../chart/offset-chart.js';
import type { NtpThresholds } from '../tasks/chrony/classify.js';
import { chartInput } from './chart-input.js';
import type { OffsetHistory } from './offset-history.js';

/** Reads the hosts' history and draws it: the one place charts are made from Redis. */
export function offsetChartOf(history: Pick<OffsetHistory, 'read'>, thresholds: NtpThresholds) {
  return async (label: string, hosts: readonly string[], range: { from: number; to: number }) => {
    const points = await history.read(hosts, range.from, range.to);
    return renderOffsetChart(chartInput(label, points, range, thresholds));
  };
}

export type OffsetChartOf = ReturnType<typeof offsetChartOf>;
