/** ok; warn: labops works, but something is off; fail: labops cannot do its job until it is fixed. */
export type Verdict = 'ok' | 'warn' | 'fail';

/** One row of the doctor's table: what was checked on what, what was found, and what to do about a problem. */
export interface Finding {
  /** config, inventory, a host's name, redis, slack. */
  subject: string;
  check: string;
  verdict: Verdict;
  detail: string;
  /** For warn and fail: one or two sentences, with the exact command where there is one. */
  fix?: string;
}

export const ok = (subject: string, check: string, detail: string): Finding => ({
  subject,
  check,
  verdict: 'ok',
  detail,
});

export const problem = (
  verdict: 'warn' | 'fail',
  subject: string,
  check: string,
  detail: string,
  fix: string,
): Finding => ({ subject, check, verdict, detail, fix });

/** Exit status of `npm run doctor`: 1 when something blocks labops. */
export const blocks = (findings: readonly Finding[]) => findings.some((f) => f.verdict === 'fail');
