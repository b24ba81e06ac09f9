import type { z } from 'zod';
import type { FileSink } from '../chat/file-sink.js';
import type { ChatMessage } from '../chat/message.js';
import type { ChatSink } from '../chat/sink.js';
import type { Inventory, InventoryHost } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import type { ExecStream } from '../ssh/exec-stream.js';
import type { PoolSsh } from '../ssh/ssh-pool.js';
import type { NtpHostStatus } from './chrony/classify.js';

/** Settings a task may read; the worker builds it from the config once. */
export interface TaskSettings {
  drift: { warnMs: number; critMs: number };
  /** After /lab ntp setup on Ceph monitors: how long to wait for MON_CLOCK_SKEW to clear (default 90 s, every 10 s). */
  cephSkewWait?: { settleMs: number; pollMs: number };
  /** For /lab deploy openstack: the admin password from the environment (never from chat). */
  openstack?: { adminPassword?: string };
}

/** One check of clocks shared by the worker processes, as the job that coordinates it sees it. */
export interface SharedNtpRun {
  /** The host's status once a worker has recorded it (or the run knows it never will: an `error` that says why). */
  statusOf(host: string): Promise<NtpHostStatus>;
  /** Stops following the run and removes what it left (shards not started, the recorded statuses). */
  end(): Promise<void>;
}

/** Shares a large check of clocks among the worker processes (LAB_NTP_SHARD_ABOVE). */
export interface SharedNtpCheck {
  /** Whether a check of this many hosts is shared: over the threshold, and more than one worker to share it. */
  shares(hosts: number): Promise<boolean>;
  /** Hands the hosts out as shard jobs (once per job, however often it is retried). */
  start(hosts: readonly InventoryHost[], signal: AbortSignal): Promise<SharedNtpRun>;
}

/** Everything a task is given. Tasks import no singletons. */
export interface TaskContext<P> {
  payload: P;
  inventory: Inventory;
  ssh: PoolSsh;
  chat: ChatSink;
  log: Logger;
  signal: AbortSignal;
  settings: TaskSettings;
  /** Long commands with live output (packstack); absent where the worker has none, then tasks use ssh.exec. */
  execStream?: ExecStream;
  /** Files into a channel or thread (a failed install's log); absent where the worker has none. */
  files?: FileSink;
  /**
   * Keeps what the task's message shows now with the job in Redis, so that if the worker dies, the next one can
   * show where it stopped. Best effort; absent where the worker has no job to keep it with.
   */
  remember?(message: ChatMessage): void;
  /** Where a check of the hosts' clocks keeps each host's state for the App Home; absent where nothing shows it. */
  ntpStates?: { record(result: unknown, at: number): Promise<void> };
  /** Where a large check of clocks is shared by the workers; absent where the worker has no shard queue. */
  sharedNtpCheck?: SharedNtpCheck;
}

/**
 * What a changing command proposes before anything changes. The worker shows `message` with Confirm/Cancel
 * buttons, keeps the plan for 10 minutes, and runs the task's `run` only after an admin confirms.
 */
export interface Plan {
  message: ChatMessage;
  /** The hosts the change touches: one change at a time per host. */
  hosts: string[];
  /** Nothing to do: shown without buttons, and nothing is kept. */
  empty?: boolean;
  /** What an empty plan ends with instead of "Nothing to change." (e.g. why it cannot go ahead). */
  emptyNote?: string;
}

/** One capability: a job name, the schema of its payload and what running it does. */
export interface Task<S extends z.ZodTypeAny = z.ZodTypeAny> {
  name: string;
  payload: S;
  /** Present on changing tasks: read-only look at what run would change. */
  plan?(ctx: TaskContext<z.infer<S>>): Promise<Plan>;
  run(ctx: TaskContext<z.infer<S>>): Promise<unknown>;
}

export const defineTask = <S extends z.ZodTypeAny>(task: Task<S>): Task<S> => task;
