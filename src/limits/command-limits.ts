import type { DispatchResult, Requester } from '../bot/dispatch.js';
import { parseCommand } from '../bot/grammar.js';
import type { Logger } from '../log/logger.js';
import type { BudgetAnswer } from './command-budget.js';
import { queueFullRefusal, rateRefusal } from './render-limits.js';

type Handle = (text: string, who: Requester) => Promise<DispatchResult>;

export interface CommandLimitsDeps {
  /** Per-user budget of commands that start a job; undefined = no limit. */
  budget?: { limit: number; take(user: string, now: number): Promise<BudgetAnswer> };
  /** Jobs waiting for a worker, and how many may; 0 = no limit. */
  waitingJobs(): Promise<number>;
  maxWaitingJobs: number;
  /** False while Redis is down: the limits are skipped, and the handler says what is wrong. */
  available(): boolean;
  now(): number;
  log: Pick<Logger, 'warn'>;
}

const CHECK_TIMEOUT_MS = 1000;

/**
 * True for commands that start a job (status, plans, changes, checks): those load the workers and the lab hosts.
 * Help, bad text and the bot's quick answers (jobs, cancel, history, alerts, watch, graph) are read at once from
 * what the bot holds; cancel must work for someone who used their budget up.
 */
export function startsAJob(text: string): boolean {
  try {
    const parsed = parseCommand(text);
    return parsed.kind === 'task' && parsed.spec.quick !== true;
  } catch {
    return false;
  }
}

/**
 * Refuses a command that would start a job while the queue is full or its user is over budget (outcome
 * "refused: …", so the audit trail records a refusal); anything else goes to handle. The limits protect, they
 * do not decide: if Redis does not answer within a second, the command goes on.
 */
export function limitCommands(handle: Handle, deps: CommandLimitsDeps): Handle {
  return async (text, who) => {
    if (!startsAJob(text) || !deps.available()) return handle(text, who);
    const refusal = await withTimeout(check(who.user, deps)).catch((err: Error) => {
      deps.log.warn({ msg: err.message, user: who.user }, 'command limits not checked');
      return undefined;
    });
    return refusal ?? handle(text, who);
  };
}

async function check(user: string, deps: CommandLimitsDeps): Promise<DispatchResult | undefined> {
  if (deps.maxWaitingJobs > 0) {
    const waiting = await deps.waitingJobs();
    if (waiting >= deps.maxWaitingJobs)
      return refused(
        queueFullRefusal(waiting, deps.maxWaitingJobs),
        `refused: queue full (${waiting} waiting)`,
      );
  }
  if (!deps.budget) return undefined;
  const answer = await deps.budget.take(user, deps.now());
  if (answer.ok) return undefined;
  return refused(
    rateRefusal(answer.used, deps.budget.limit, answer.retryInMs),
    `refused: rate limit (${answer.used} commands in the last minute)`,
  );
}

const refused = (text: string, outcome: string): DispatchResult => ({
  kind: 'reply',
  message: { text },
  outcome,
});

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
