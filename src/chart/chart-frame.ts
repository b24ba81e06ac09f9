import { offsetLabel, timeLabel, timeTicks } from './axis.js';
import { CRIT_COLOR, esc, type Frame, num, WARN_COLOR } from './svg.js';

/** Dashed lines at ±warning and ±critical, labelled at the right. */
export function thresholdLines(frame: Frame, warnMs: number, critMs: number): string[] {
  const right = frame.left + frame.width;
  const text = (y: number, color: string, label: string) =>
    `<text x="${right - 4}" y="${num(y)}" text-anchor="end" font-size="11" fill="${color}">${esc(label)}</text>`;
  const lines: string[] = [];
  for (const [ms, color, name] of [
    [warnMs, WARN_COLOR, 'warning'],
    [critMs, CRIT_COLOR, 'critical'],
  ] as const) {
    const up = frame.y(ms);
    const down = frame.y(-ms);
    for (const y of [up, down])
      lines.push(
        `<line x1="${frame.left}" y1="${num(y)}" x2="${right}" y2="${num(y)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      );
    // lines close to zero (a large range) share one label
    if (down - up < 30) lines.push(text(up - 4, color, `${name} ±${offsetLabel(ms, false).slice(1)}`));
    else
      lines.push(
        text(up - 4, color, `${name} ${offsetLabel(ms, false)}`),
        text(down + 13, color, `${name} ${offsetLabel(-ms, false)}`),
      );
  }
  return lines;
}

/** Grid, tick labels, border and axis titles. */
export function axes(
  frame: Frame,
  input: { from: number; to: number },
  yTicks: number[],
  inSeconds: boolean,
): string[] {
  const out: string[] = [];
  const right = frame.left + frame.width;
  const bottom = frame.top + frame.height;
  for (const v of yTicks) {
    const y = num(frame.y(v));
    const stroke = v === 0 ? '#555' : '#e4e4e4';
    out.push(
      `<line x1="${frame.left}" y1="${y}" x2="${right}" y2="${y}" stroke="${stroke}" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${frame.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#333">${esc(offsetLabel(v, inSeconds))}</text>`,
    );
  }
  const spansDays = input.to - input.from > 24 * 3600_000;
  for (const t of timeTicks(input.from, input.to, 8).ticks) {
    const x = num(frame.x(t));
    out.push(
      `<line x1="${x}" y1="${frame.top}" x2="${x}" y2="${bottom}" stroke="#f0f0f0" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="#333">${esc(timeLabel(t, spansDays))}</text>`,
    );
  }
  out.push(
    `<rect x="${frame.left}" y="${frame.top}" width="${frame.width}" height="${frame.height}" fill="none" stroke="#999"/>`,
  );
  const midY = frame.top + frame.height / 2;
  out.push(
    `<text transform="translate(16 ${num(midY)}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">offset (+ slow, − fast)</text>`,
    `<text x="${frame.left + frame.width / 2}" y="${bottom + 36}" text-anchor="middle" font-size="12" fill="#333">time (UTC)</text>`,
  );
  return out;
}
