import { offsetChartSvg } from '../chart/offset-chart-svg.js';
import type { PngRenderer } from '../chart/png-renderer.js';
import type { NtpThresholds } from '../tasks/chrony/classify.js';
import { chartInput } from './chart-input.js';
import type { OffsetHistory } from './offset-history.js';

/**
 * Reads the hosts' history and draws it: the one place charts are made from Redis. The SVG is built here; the PNG
 * is rasterised off the event loop by the renderer (a ChartError when it cannot be).
 */
export function offsetChartOf(
  history: Pick<OffsetHistory, 'read'>,
  thresholds: NtpThresholds,
  png: Pick<PngRenderer, 'render'>,
) {
  return async (label: string, hosts: readonly string[], range: { from: number; to: number }) => {
    const points = await history.read(hosts, range.from, range.to);
    return png.render(offsetChartSvg(chartInput(label, points, range, thresholds)));
  };
}

export type OffsetChartOf = ReturnType<typeof offsetChartOf>;
