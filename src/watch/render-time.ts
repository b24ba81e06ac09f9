import type { TextStyle } from '../chat/mrkdwn.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-05-01 12:03:05 UTC". */
export function utcTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** A time each reader sees in their own time zone in Slack (UTC as the fallback), UTC in plain text. */
export function when(ms: number, style: TextStyle): string {
  if (style === 'plain') return utcTime(ms);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${utcTime(ms)}>`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": how long something lasted, without decimals. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
