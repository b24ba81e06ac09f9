import type { Task } from '../tasks/task.js';

/** The quick commands: answered by the bot itself, at once, without a job or SSH (handlers keyed by these). */
export type QuickName =
  | 'ntp.alerts'
  | 'ntp.watch'
  | 'ntp.graph'
  | 'ntp.ack'
  | 'ntp.silence'
  | 'ntp.unsilence'
  | 'ceph.ack'
  | 'lab.jobs'
  | 'lab.cancel'
  | 'lab.history'
  | 'lab.doctor';

/** One positional argument of a command: its name in messages and what it may be. */
export interface ArgSpec {
  name: string;
  valid(value: string): boolean;
  optional?: boolean;
  /** The last argument only: it takes every word left (a free-text reason). */
  rest?: boolean;
}

/** A /lab command the bot knows: the words that name it and what answers it. */
export interface CommandSpec {
  words: readonly string[];
  usage: string;
  summary: string;
  /** The job name of its task, or the quick handler's name: derived from the declaration, never typed twice. */
  task: string;
  /** The task a worker runs (absent for quick commands). */
  runs?: Task;
  /** Changes lab hosts: admins only, and nothing runs before an admin confirms the task's plan. */
  changes?: boolean;
  /** The target when none is typed ("all" unless the command is about one group, e.g. the controller). */
  defaultTarget?: string;
  /** 'preview': run the task's plan only and show it, without buttons (e.g. /lab ntp plan). */
  phase?: 'preview';
  /** Answered by the bot itself, at once, without a job or SSH; `task` names the bot's handler. */
  quick?: boolean;
  /** Arguments in order, instead of the one optional target; optional ones come last. */
  args?: readonly ArgSpec[];
}

interface Described {
  words: readonly string[];
  usage: string;
  summary: string;
}

/** A command that queues a task; it changes hosts (admins, plan, Confirm) exactly when the task has a plan step. */
export interface TaskCommand extends Described {
  runs: Task;
  defaultTarget?: string;
  /** Run only the task's plan and show it: the read-only twin of a changing command. */
  phase?: 'preview';
}

/** A command the bot answers itself, with its arguments checked here. */
export interface QuickCommand extends Described {
  quick: QuickName;
  args: readonly ArgSpec[];
}

/** Declares a command beside what implements it; the grammar, help, task map and quick handlers derive from it. */
export function defineCommand(c: TaskCommand | QuickCommand): CommandSpec {
  const { words, usage, summary } = c;
  if ('quick' in c) return { words, usage, summary, task: c.quick, quick: true, args: c.args };
  const changes = c.runs.plan !== undefined && c.phase !== 'preview';
  return {
    words,
    usage,
    summary,
    task: c.runs.name,
    runs: c.runs,
    ...(changes && { changes }),
    ...(c.defaultTarget && { defaultTarget: c.defaultTarget }),
    ...(c.phase && { phase: c.phase }),
  };
}
