import type { ChartSeries } from './chart-data.js';
import { type Frame, num } from './svg.js';

/** Keeps, per pixel column, the check with the largest offset, so spikes survive thinning. */
function thin(points: ChartSeries['points'], frame: Frame): ChartSeries['points'] {
  const columns = new Map<number, { at: number; offsetSeconds?: number }>();
  for (const p of points) {
    const col = Math.round(frame.x(p.at));
    const kept = columns.get(col);
    const size = (q?: { offsetSeconds?: number }) =>
      q?.offsetSeconds === undefined ? -1 : Math.abs(q.offsetSeconds);
    if (!kept || size(p) > size(kept)) columns.set(col, p);
  }
  return [...columns.values()].sort((a, b) => a.at - b.at);
}

/** One host's line, broken where a check had no offset (marked by a tick on the time axis). */
export function seriesMarks(s: ChartSeries, color: string, frame: Frame): string[] {
  const inside = (t: number) =>
    frame.x(t) >= frame.left - 0.5 && frame.x(t) <= frame.left + frame.width + 0.5;
  const points = thin(
    s.points.filter((p) => inside(p.at)),
    frame,
  );
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1)
      out.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (run.length === 1) {
      const [x, y] = (run[0] ?? '0,0').split(',');
      out.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${color}"/>`);
    }
    run = [];
  };
  for (const p of points) {
    if (p.offsetSeconds === undefined) {
      flush();
      const x = num(frame.x(p.at));
      const bottom = frame.top + frame.height;
      out.push(
        `<line x1="${x}" y1="${bottom - 8}" x2="${x}" y2="${bottom}" stroke="${color}" stroke-width="2"/>`,
      );
      continue;
    }
    run.push(`${num(frame.x(p.at))},${num(frame.y(p.offsetSeconds * 1000))}`);
  }
  flush();
  return out;
}
