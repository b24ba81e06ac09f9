import { type OffsetChartInput, offsetChartSvg } from './offset-chart-svg.js';
import { svgToPng } from './svg-to-png.js';

export type { ChartSeries, OffsetChartInput } from './offset-chart-svg.js';

/** The offset chart as PNG bytes: data in, image out, nothing else touched. */
export function renderOffsetChart(input: OffsetChartInput): Buffer {
  return svgToPng(offsetChartSvg(input));
}
