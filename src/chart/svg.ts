/** Colours, font and helpers shared by the chart's parts. */
export const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#393b79',
];
export const WARN_COLOR = '#e6a100';
export const CRIT_COLOR = '#d62728';
export const FONT = 'DejaVu Sans, sans-serif';

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const num = (n: number) => Number(n.toFixed(1));

/** The plot area and its scales: time (ms since the epoch) to x, offset (ms) to y. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  x(t: number): number;
  y(ms: number): number;
}
