import { readFileSync, writeFileSync } from 'node:fs';

/** One interval setting's measured rounds, in milliseconds. */
export interface DriftRun {
  intervalSeconds: number;
  confirmChecks: number;
  /** Offset changed on the fast server → client-drift's own chronyc reports it critical (polled continuously). */
  visible: number[];
  /** Offset changed → first check of the watch that saw client-drift critical. */
  seen: number[];
  /** Offset changed → alert posted (the fake Slack received chat.postMessage). */
  alert: number[];
  /** Offset put back → recovery posted in the alert's thread. */
  recovery: number[];
  /** Duration of each check of all watched hosts (the watch's own last-check record). */
  check: number[];
}

const BEGIN = '<!-- drift-alerts:begin -->';
const END = '<!-- drift-alerts:end -->';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const spread = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

/** The bound of the issue: a change is confirmed by `confirm` checks `interval` apart, plus one check's run. */
export const boundMs = (r: DriftRun) => r.intervalSeconds * 1000 * r.confirmChecks + median(r.check);

export function renderDriftSection(
  runs: DriftRun[],
  meta: { date: string; hosts: number; totalS: number },
): string {
  const rows = runs.map((r) => {
    const fromVisible = r.alert.map((a, i) => a - (r.visible[i] ?? 0));
    const worst = Math.max(...fromVisible);
    const verdict =
      worst <= boundMs(r) ? `within (worst ${fmt(worst)})` : `**over** by ${fmt(worst - boundMs(r))}`;
    return `| ${r.intervalSeconds} s × ${r.confirmChecks} | ${spread(r.visible)} | ${spread(r.seen)} | ${spread(r.alert)} | ${spread(fromVisible)} | ${fmt(boundMs(r))} | ${verdict} | ${spread(r.recovery)} | ${r.alert.length} |`;
  });
  return [
    BEGIN,
    '## Clock-drift alerts: from the offset change to the alert',
    '',
    `Written by \`npm run bench:drift\` (bench/drift-alerts.ts) on ${meta.date}; took ${meta.totalS} s. Its own lab`,
    `(127.0.12.x, ${meta.hosts} watched hosts: ntp1, ntp-fast, client-sync, client-drift), labops in one process`,
    '(bot and worker; a fresh queue prefix each round, so that earlier rounds do not count as flapping) against',
    'the fake Slack and Redis. Each round moves ntp-fast from 0 to +3 s with `lab.setFastServerOffset`, waits for',
    'the alert, then puts it back and waits for the recovery; client-drift follows ntp-fast alone. Median',
    '(min–max) over the rounds, all from one clock.',
    '',
    "| interval × confirm | change → client-drift's chronyc shows it | change → first watch check that saw it | change → alert | **chronyc shows it → alert** | bound: interval × confirm + one check | vs bound | put back → recovery in thread | rounds |",
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'The first column is chrony, not labops: the client needs a second or two (it polls its server every',
    '0.25 s) before its own `chronyc tracking` reports the new offset, and no tool can see the drift earlier.',
    'The bound (the first check that can see it comes within one interval, the confirming ones an interval',
    'apart: interval × confirm, plus one check\'s run) is therefore judged from that moment: "chronyc shows it →',
    'alert", the worst round against the bound. Measured from the offset change itself, chrony\'s delay comes on top.',
    END,
  ].join('\n');
}

/** Replaces the section between its markers, or appends it: the rest of the file belongs to other benches. */
export function writeDriftSection(path: string, section: string): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${text.slice(0, begin)}${section}${text.slice(end + END.length)}`
      : `${text.replace(/\n*$/, '\n\n')}${section}\n`;
  writeFileSync(path, next);
}
