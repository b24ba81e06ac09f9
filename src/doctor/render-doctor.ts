import { blocks, type Finding } from './finding.js';

const MARK = { ok: '✅', warn: '⚠️ ', fail: '❌' } as const;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));

/**
 * The doctor's answer: one table (a row per check, a fix under each problem), problems first, then a summary line.
 * Plain text: the terminal prints it and Slack shows it in a code block.
 */
export function renderDoctor(findings: readonly Finding[]): string {
  const rank = { fail: 0, warn: 1, ok: 2 } as const;
  const rows = [...problems(findings), ...passed(findings)].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
  const wide = Math.min(24, Math.max(7, ...rows.map((r) => r.subject.length)));
  const wideCheck = Math.min(22, Math.max(5, ...rows.map((r) => r.check.length)));
  const lines = rows.flatMap((r) => [
    `${MARK[r.verdict]} ${pad(r.subject, wide)}  ${pad(r.check, wideCheck)}  ${r.detail}`,
    ...(r.fix ? [`   ${' '.repeat(wide)}  ${' '.repeat(wideCheck)}  → ${r.fix}`] : []),
  ]);
  return [...lines, '', summary(findings)].join('\n');
}

const problems = (findings: readonly Finding[]) => findings.filter((f) => f.verdict !== 'ok');

/** What passed: a subject's three or more good checks in one row (a host's five are one line, not five). */
function passed(findings: readonly Finding[]): Finding[] {
  const bySubject = new Map<string, Finding[]>();
  for (const f of findings)
    if (f.verdict === 'ok') bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f]);
  return [...bySubject.entries()].flatMap(([subject, oks]): Finding[] =>
    oks.length <= 2
      ? oks
      : [
          {
            subject,
            check: `${oks.length} checks`,
            verdict: 'ok',
            detail: oks.map((f) => f.check).join(', '),
          },
        ],
  );
}

export function summary(findings: readonly Finding[]): string {
  const fails = findings.filter((f) => f.verdict === 'fail').length;
  const warns = findings.filter((f) => f.verdict === 'warn').length;
  const checks = `${findings.length} checks`;
  if (blocks(findings))
    return `${checks}: ${fails} problem${fails === 1 ? ' blocks' : 's block'} labops${warns ? `, ${warns} warning${warns === 1 ? '' : 's'}` : ''}. Fix them (→ above) and run the doctor again.`;
  return warns
    ? `${checks}: nothing blocks labops; ${warns} warning${warns === 1 ? '' : 's'} (→ above).`
    : `${checks}: all good.`;
}
