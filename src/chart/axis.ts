/** A "nice" step (1, 2 or 5 times a power of ten) that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

/** Ticks from -limit to +limit (limit a multiple of the step), about `count` of them. */
export function symmetricTicks(maxAbs: number, count: number): { limit: number; ticks: number[] } {
  const step = niceStep(2 * maxAbs, count);
  const limit = Math.ceil(maxAbs / step) * step;
  const ticks: number[] = [];
  for (let v = -limit; v <= limit + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return { limit, ticks };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [1, 2, 5, 10, 15, 30]
  .map((m) => m * MINUTE)
  .concat([1, 2, 3, 6, 12, 24].map((h) => h * HOUR));

/** Time ticks on whole minutes or hours (UTC) between from and to, at most about `count`. */
export function timeTicks(from: number, to: number, count: number): { step: number; ticks: number[] } {
  const step = TIME_STEPS.find((s) => (to - from) / s <= count) ?? 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05" for steps under a day within one day, "05-01 14:00" when the range spans days (UTC). */
export function timeLabel(t: number, spansDays: boolean): string {
  const d = new Date(t);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return spansDays ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}` : hm;
}

/** An offset in milliseconds as a tick label: "+500 ms", "−2 s", "0". */
export function offsetLabel(ms: number, inSeconds: boolean): string {
  if (ms === 0) return '0';
  const sign = ms > 0 ? '+' : '−';
  const abs = Math.abs(ms);
  return inSeconds
    ? `${sign}${Number((abs / 1000).toPrecision(3))} s`
    : `${sign}${Number(abs.toPrecision(3))} ms`;
}
