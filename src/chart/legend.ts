import type { ChartSeries } from './chart-data.js';
import { COLORS, esc } from './svg.js';

/** Host names with their colours, how many more were left out, and what the ticks on the time axis mean. */
export function legend(shown: ChartSeries[], hidden: number, x: number, top: number): string[] {
  const out = shown.map((s, i) => {
    const y = top + i * 20;
    const color = COLORS[i % COLORS.length];
    const name = s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name;
    return (
      `<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${color}"/>` +
      `<text x="${x + 20}" y="${y}" font-size="12" fill="#222">${esc(name)}</text>`
    );
  });
  const below = top + shown.length * 20 + 8;
  if (hidden > 0)
    out.push(
      `<text x="${x}" y="${below}" font-size="11" fill="#555">and ${hidden} more host${hidden === 1 ? '' : 's'}</text>`,
    );
  const note = below + (hidden > 0 ? 20 : 0);
  out.push(
    `<line x1="${x + 7}" y1="${note - 10}" x2="${x + 7}" y2="${note + 2}" stroke="#555" stroke-width="2"/>`,
    `<text x="${x + 20}" y="${note}" font-size="11" fill="#555">no offset (host</text>`,
    `<text x="${x + 20}" y="${note + 14}" font-size="11" fill="#555">unreachable or</text>`,
    `<text x="${x + 20}" y="${note + 28}" font-size="11" fill="#555">not synchronised)</text>`,
  );
  return out;
}
