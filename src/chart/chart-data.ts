/** One host's line: its checks over time; a check without an offset (unreachable...) breaks the line. */
export interface ChartSeries {
  name: string;
  points: ReadonlyArray<{ at: number; offsetSeconds?: number }>;
}

export interface OffsetChartInput {
  title: string;
  /** The time range shown, ms since the epoch. */
  from: number;
  to: number;
  series: readonly ChartSeries[];
  warnMs: number;
  critMs: number;
  width?: number;
  height?: number;
}
