import type { z } from 'zod';
import type { SharedFile } from '../../src/chat/file-sink.js';
import type { ChatMessage } from '../../src/chat/message.js';
import type { ChatSink } from '../../src/chat/sink.js';
import { HostError } from '../../src/errors.js';
import { type Inventory, type InventoryHost, parseInventory } from '../../src/inventory/index.js';
import { createLogger } from '../../src/log/logger.js';
import type { ExecResult } from '../../src/ssh/ssh-pool.js';
import type { Plan, Task, TaskContext, TaskSettings } from '../../src/tasks/task.js';

/** What a host answers to a command: its output (exit 0), or the whole result, or a HostError to throw. */
export type Answer = string | ExecResult | HostError | ((command: string, host: InventoryHost) => ExecResult);

/**
 * An SSH that answers from a script instead of a host: the first rule whose pattern matches the command (a
 * substring or a RegExp; optionally only on one host) gives the answer. A command no rule matches fails the test
 * with the command in the message. Every command run is kept, in order, as "host: command".
 */
export function scripted(rules: ReadonlyArray<[pattern: string | RegExp, answer: Answer, host?: string]>) {
  const commands: string[] = [];
  const ssh: TaskContext<unknown>['ssh'] = {
    async exec(host, command) {
      commands.push(`${host.name}: ${command}`);
      const rule = rules.find(
        ([p, , on]) =>
          (on === undefined || on === host.name) &&
          (typeof p === 'string' ? command.includes(p) : p.test(command)),
      );
      if (!rule) throw new Error(`scripted ssh: no answer for ${host.name}: ${command}`);
      const answer = rule[1];
      if (answer instanceof HostError) throw answer;
      if (typeof answer === 'function') return answer(command, host);
      return typeof answer === 'string' ? { stdout: answer, stderr: '', code: 0 } : answer;
    },
  };
  return { ssh, commands };
}

/** An inventory from YAML text, as labops reads inventory.yml (login root unless the YAML says otherwise). */
export const inventoryOf = (yaml: string): Inventory =>
  parseInventory(yaml, 'inventory.yml', { user: 'root' });

export interface TaskRun<R> {
  /** What run() (or plan()) returned. */
  result: R;
  /** What a user would see happen, in order: "post …", "update <ts> …", "reply <ts> …", "file <name>". */
  seen: string[];
  /** The message as it stands at the end (the job's own message, after its last update). */
  final?: ChatMessage;
  /** Every thread reply, in order. */
  replies: ChatMessage[];
  files: SharedFile[];
}

const SETTINGS: TaskSettings = { drift: { warnMs: 50, critMs: 500 } };

/**
 * Runs one task (or its plan, with `phase: 'plan'`) the way a worker does, with no Redis, no lab and no Slack: a
 * recording chat and file sink, the scripted SSH, and the payload validated by the task's own schema.
 */
export async function runTask<S extends z.ZodTypeAny, R = unknown>(
  task: Task<S>,
  o: {
    payload: unknown;
    inventory: Inventory;
    ssh: TaskContext<unknown>['ssh'];
    settings?: Partial<TaskSettings>;
    phase?: 'run' | 'plan';
    signal?: AbortSignal;
    ntpStates?: TaskContext<unknown>['ntpStates'];
    sharedNtpCheck?: TaskContext<unknown>['sharedNtpCheck'];
  },
): Promise<TaskRun<R>> {
  const seen: string[] = [];
  const replies: ChatMessage[] = [];
  const files: SharedFile[] = [];
  let final: ChatMessage | undefined;
  let posts = 0;
  const chat: ChatSink = {
    async post(_channel, m) {
      seen.push(`post ${m.text}`);
      final ??= m;
      return { ts: `${++posts}.000` };
    },
    async update(_channel, ts, m) {
      seen.push(`update ${ts} ${m.text}`);
      final = m;
    },
    async reply(_channel, ts, m) {
      seen.push(`reply ${ts} ${m.text}`);
      replies.push(m);
    },
  };
  const ctx: TaskContext<z.infer<S>> = {
    payload: task.payload.parse(o.payload),
    inventory: o.inventory,
    ssh: o.ssh,
    chat,
    log: createLogger('silent'),
    signal: o.signal ?? new AbortController().signal,
    settings: { ...SETTINGS, ...o.settings },
    ...(o.ntpStates && { ntpStates: o.ntpStates }),
    ...(o.sharedNtpCheck && { sharedNtpCheck: o.sharedNtpCheck }),
    files: {
      async upload(_channel, file) {
        seen.push(`file ${file.filename}`);
        files.push(file);
      },
    },
  };
  const result = o.phase === 'plan' ? ((await requirePlan(task)(ctx)) as R) : ((await task.run(ctx)) as R);
  return { result, seen, final, replies, files };
}

function requirePlan<S extends z.ZodTypeAny>(task: Task<S>): (ctx: TaskContext<z.infer<S>>) => Promise<Plan> {
  if (!task.plan) throw new Error(`${task.name} has no plan step`);
  return task.plan.bind(task);
}
