import { section } from '../../chat/blocks.js';
import type { ChatMessage } from '../../chat/message.js';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import type { ChatSink } from '../../chat/sink.js';
import { FINAL } from '../../chat/sink.js';
import { createThrottle } from '../../chat/throttle.js';
import { renderChecklist, STAGE_TITLES, type Stage } from './checklist.js';

/** Slack's chat.update tier: about one update a second per message. */
const UPDATE_MS = 1000;
/** While packstack is quiet, the elapsed time still moves this often. */
const TICK_MS = 15_000;

/**
 * The deploy's one checklist message and its thread: stages begin and end, packstack's progress moves the current
 * one (updates throttled under Slack's rate tier), details go to the thread.
 */
export interface DeployChecklist {
  /** The index of the stage under way (or last under way). */
  readonly current: number;
  begin(stage: number, detail?: string): Promise<void>;
  /** Ends the current stage; shown with the next update. */
  end(state: Stage['state'], detail?: string): void;
  /** New detail for the current stage, e.g. packstack's step count; shown within a second. */
  progress(detail: string): void;
  /** The last update: every stage not reached is marked skipped when the deploy failed. */
  finish(outcome: 'done' | 'failed'): Promise<void>;
  thread(plain: string, mrkdwn?: string): Promise<void>;
  /** Stops the updates (call once, in a finally). */
  close(): void;
}

/** Posts the checklist (or takes the message the bot posted) and returns what moves it; remember keeps each update. */
export async function openChecklist(
  chat: ChatSink,
  channel: string,
  messageTs: string | undefined,
  hostName: () => string,
  remember: (message: ChatMessage) => void = () => {},
): Promise<{ ts: string; checklist: DeployChecklist }> {
  const started = Date.now();
  const stages: Stage[] = STAGE_TITLES.map((title) => ({ title, state: 'pending' }));
  const render = (outcome?: string) => renderChecklist(hostName(), stages, Date.now() - started, outcome);
  const ts = messageTs ?? (await chat.post(channel, render())).ts;
  const updates = createThrottle(async (outcome?: string) => {
    const message = render(outcome);
    // the outcome is shown once, at the end: the checklist's last state
    await chat.update(channel, ts, message, outcome ? FINAL : undefined);
    remember(message);
  }, UPDATE_MS);
  const show = async (outcome?: string) => {
    updates.push(outcome);
    await updates.flush();
  };
  const tick = setInterval(() => updates.push(undefined), TICK_MS);
  let current = 0;
  const set = (n: number, change: Partial<Stage>) => {
    stages[n] = { ...(stages[n] as Stage), ...change };
  };
  const checklist: DeployChecklist = {
    get current() {
      return current;
    },
    async begin(n, detail) {
      current = n;
      set(n, { state: 'running', detail });
      await show();
    },
    end(state, detail) {
      set(current, { state, detail });
    },
    progress(detail) {
      set(current, { detail });
      updates.push(undefined);
    },
    async finish(outcome) {
      if (outcome === 'failed') for (const s of stages) if (s.state === 'pending') s.state = 'skipped';
      await show(outcome);
    },
    thread: (plain, mrkdwn = escapeMrkdwn(plain)) =>
      chat.reply(channel, ts, { text: plain, blocks: [section(mrkdwn)] }),
    close() {
      clearInterval(tick);
      updates.cancel();
    },
  };
  return { ts, checklist };
}
