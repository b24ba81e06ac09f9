import type { ChatMessage } from '../../chat/message.js';
import type { ReplyTarget } from '../../chat/reply-target.js';
import { type ChatSink, FINAL } from '../../chat/sink.js';
import { createThrottle } from '../../chat/throttle.js';

/** Slack's chat.update tier allows about one update a second per message. */
const UPDATE_INTERVAL_MS = 1000;

/** A job that works host by host, and how it shows itself in one message and that message's thread. */
export interface HostByHost<H, R> {
  /** Hosts in the order they may start: the hosts of a wave run in parallel, a wave once the one before is done. */
  waves: readonly (readonly H[])[];
  /** One host's work; it reports its own failures in its result and does not throw. */
  run(host: H): Promise<R>;
  /** The message while hosts answer, with the results so far in the order they came. */
  progress(done: R[]): ChatMessage;
  /** The details, posted in the message's thread once every host is done. */
  thread(done: R[]): ChatMessage[];
  /** The message at the end, shown after the thread it points to. */
  summary(done: R[]): ChatMessage;
  /** Show the empty progress in the message the bot already posted at once, not only when a first host is done. */
  showStart?: boolean;
  /**
   * How often progress may update the message: after `sent` updates, the next waits intervalMs(sent); none after
   * maxUpdates. Default: every second, no cap. A job over many hosts bounds its Slack calls with it.
   */
  progressPace?: { intervalMs(sent: number): number; maxUpdates: number };
  /** Work in the message's thread after the thread replies and before the summary (a file to attach). */
  beforeSummary?(done: R[], threadTs: string): Promise<void>;
}

/**
 * Runs a host-by-host job: posts progress(nothing done) unless the bot already posted the message, updates it
 * (throttled) as hosts finish, then posts the thread and updates the message to the summary. The results, in the
 * order they came.
 */
export async function reportHostByHost<H, R>(
  chat: ChatSink,
  reply: ReplyTarget,
  job: HostByHost<H, R>,
): Promise<R[]> {
  const { channel } = reply;
  const ts = reply.messageTs ?? (await chat.post(channel, job.progress([]))).ts;
  const done: R[] = [];
  const pace = job.progressPace;
  // the results so far are read when an update is sent, not copied at every host (O(N²) over a large run)
  const updates = createThrottle(
    (count: number) => chat.update(channel, ts, job.progress(done.slice(0, count))),
    pace ? pace.intervalMs : UPDATE_INTERVAL_MS,
  );
  const progress = () => {
    if (!pace || updates.sent() < pace.maxUpdates) updates.push(done.length);
  };
  if (job.showStart) updates.push(0);
  for (const wave of job.waves) {
    await Promise.all(
      wave.map(async (host) => {
        done.push(await job.run(host));
        progress();
      }),
    );
  }
  // the last progress would only flash before the summary: drop it, but let one already sent land first
  updates.cancel();
  await updates.flush();
  // thread first, summary last: once the summary shows, everything it points to is there
  for (const message of job.thread(done)) await chat.reply(channel, ts, message);
  await job.beforeSummary?.(done, ts);
  await chat.update(channel, ts, job.summary(done), FINAL);
  return done;
}
