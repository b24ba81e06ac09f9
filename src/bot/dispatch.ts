import type { Queue } from 'bullmq';
import type { ChatSink } from '../chat/sink.js';
import { UserInputError } from '../errors.js';
import { type Inventory, resolveTargets } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { HostLocks } from '../queue/host-locks.js';
import { JOB_START_WITHIN_MS } from '../queue/job-envelope.js';
import type { DispatchResult, Requester } from './dispatch-result.js';
import { parseCommand } from './grammar.js';
import { notStarted, QUEUE_UNREACHABLE } from './not-started.js';
import { refusal } from './permissions.js';
import { renderHelp } from './render-help.js';
import { renderPlanning } from './render-plan.js';
import { renderStarted } from './render-started.js';

export type { DispatchResult, Requester } from './dispatch-result.js';

export interface DispatchDeps {
  inventory: Inventory;
  queue: Pick<Queue, 'add'>;
  chat: Pick<ChatSink, 'post' | 'update'>;
  locks: Pick<HostLocks, 'holderOf'>;
  isAdmin(user: string): boolean;
  /**
   * LAB_POLICY: the lab gate has checked the user's role against the command's before dispatch is called, so a
   * change is not limited to admins here (without a policy it is: LAB_ADMINS).
   */
  rolesChecked?: boolean;
  /** The lab the command runs against, named in the job (a labops with LAB_POLICY; absent: the one lab). */
  lab?: string;
  /** With a policy file: what a plan says about who may confirm it. */
  confirmNote?(words: readonly string[], requester: string): string;
  /** How long a job may wait in the queue before a worker must start it (default 10 minutes). */
  startWithinMs?: number;
  log: Logger;
}

const ephemeral = (text: string, outcome?: string): DispatchResult => ({
  kind: 'reply',
  message: { text },
  outcome,
});

/**
 * Turns the text after "/lab" into either a short reply for the requester alone or a job on the queue.
 * Shared by the Slack listener and the console adapter. User text is parsed and looked up, never executed.
 */
export async function dispatch(text: string, who: Requester, deps: DispatchDeps): Promise<DispatchResult> {
  let parsed: ReturnType<typeof parseCommand>;
  let targets: ReturnType<typeof resolveTargets>;
  try {
    parsed = parseCommand(text);
    if (parsed.kind === 'help') return { kind: 'reply', message: renderHelp() };
    targets = resolveTargets(deps.inventory, parsed.target, parsed.spec.defaultTarget);
  } catch (err) {
    if (err instanceof UserInputError) return ephemeral(err.message, 'rejected: bad command text');
    throw err;
  }
  const { spec } = parsed;
  const command = ['/lab', ...spec.words, ...(parsed.target ? [parsed.target] : [])].join(' ');
  if (spec.changes) {
    if (!deps.rolesChecked && !deps.isAdmin(who.user)) {
      deps.log.warn({ user: who.user, channel: who.channel, command }, 'refused: not an admin');
      return ephemeral(refusal(spec.words.join(' ')), 'refused: not an admin');
    }
    const holder = await deps.locks.holderOf(targets.hosts.map((h) => h.name)).catch((err: Error) => err);
    if (holder instanceof Error) return ephemeral(QUEUE_UNREACHABLE, notStarted(holder, '', 'queue').outcome);
    if (holder) {
      return ephemeral(
        `A change is already running on ${targets.label} (job ${holder}). Wait for it to finish.`,
        `busy: job ${holder} holds the hosts`,
      );
    }
  }
  const phase = spec.changes ? 'plan' : (spec.phase ?? 'run');
  const first =
    phase === 'run'
      ? renderStarted(spec.words, targets)
      : renderPlanning(command, targets.label, targets.hosts.length);
  let messageTs: string;
  try {
    ({ ts: messageTs } = await deps.chat.post(
      who.channel,
      first,
      who.thread ? { threadTs: who.thread } : undefined,
    ));
  } catch (err) {
    deps.log.warn({ channel: who.channel, msg: (err as Error).message }, 'cannot post the start message');
    const why = notStarted(err, 'Try again in a minute.', 'slack');
    return ephemeral(why.text, why.outcome);
  }
  const startWithinMs = deps.startWithinMs ?? JOB_START_WITHIN_MS;
  let job: Awaited<ReturnType<Queue['add']>>;
  try {
    job = await deps.queue.add(spec.task, {
      target: parsed.target,
      targetLabel: targets.label,
      reply: { channel: who.channel, messageTs, user: who.user, ...(who.thread && { threadTs: who.thread }) },
      phase,
      command,
      startBy: Date.now() + startWithinMs,
      ...(deps.lab && { lab: deps.lab }),
      ...(phase === 'plan' && deps.confirmNote && { confirmNote: deps.confirmNote(spec.words, who.user) }),
    });
  } catch (err) {
    // the channel must not keep a message that says "checking…" for a job that does not exist
    const why = notStarted(err, 'Try again in a minute.', 'queue');
    deps.log.warn({ command, msg: (err as Error).message }, 'job not queued');
    await deps.chat
      .update(who.channel, messageTs, { text: `⚠️ \`${command}\` was not started: ${why.text}` })
      .catch(() => undefined);
    return ephemeral(why.text, why.outcome);
  }
  deps.log.info(
    { jobId: job.id, task: spec.task, user: who.user, channel: who.channel, target: parsed.target },
    'job queued',
  );
  return { kind: 'job', jobId: job.id as string, messageTs, awaitsConfirmation: phase === 'plan' };
}
