import { HostError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { type Failure, failureOf, sudoBlocker } from '../remote/failure.js';
import { writeFileCommand } from '../remote/remote-file.js';
import { runChange } from '../remote/run-change.js';
import {
  describePrepAction,
  type PrepAction,
  type PrepFacts,
  type PrepPlan,
  planHostPrep,
} from './plan-host-prep.js';
import { readPrepFacts } from './read-prep-facts.js';
import { parseGetenforce, type SelinuxMode } from './selinux-config.js';

/** One host looked at by the plan, or why it could not be. */
export interface PrepInspection {
  host: string;
  facts?: PrepFacts;
  plan?: PrepPlan;
  failure?: Failure;
}

/** What `/lab host prep` did on one host; getenforce before and after. */
export interface PrepResult {
  host: string;
  outcome: 'changed' | 'unchanged' | 'failed';
  done: string[];
  notes: string[];
  diff?: string;
  before?: SelinuxMode | 'absent';
  after?: SelinuxMode | 'absent' | 'unknown';
  failure?: Failure;
}

export async function inspectPrepHost(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<PrepInspection> {
  try {
    const facts = await readPrepFacts(ssh, host, signal);
    const plan = planHostPrep(facts);
    const blocked = facts.sudoRefusal && plan.actions.length > 0;
    const failure = blocked
      ? sudoBlocker({ host: host.name, user: host.user }, facts.sudoRefusal ?? '')
      : undefined;
    return { host: host.name, facts, plan, failure };
  } catch (err) {
    if (err instanceof HostError) return { host: host.name, failure: failureOf(err) };
    throw err;
  }
}

const commandOf = (a: PrepAction) =>
  a.kind === 'setenforce' ? 'setenforce 0' : writeFileCommand(a.path, a.content);
const whatOf = (a: PrepAction) => (a.kind === 'setenforce' ? 'run setenforce 0' : `write ${a.path}`);

/** Re-reads the host and makes what changes are still needed; never throws for host problems. */
export async function prepHost(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  signal?: AbortSignal,
): Promise<PrepResult> {
  const seen = await inspectPrepHost(ssh, host, signal);
  const notes = seen.plan?.notes ?? [];
  const before = seen.facts?.runtime;
  if (seen.failure || !seen.plan) {
    // nothing was tried: SELinux is as it was
    return {
      host: host.name,
      outcome: 'failed',
      done: [],
      notes,
      before,
      after: before,
      failure: seen.failure,
    };
  }
  const write = seen.plan.actions.find((a) => a.kind === 'write-config');
  const diff = write?.kind === 'write-config' ? write.diff : undefined;
  const done: string[] = [];
  let failure: Failure | undefined;
  for (const action of seen.plan.actions) {
    try {
      await runChange(ssh, host, whatOf(action), commandOf(action), { signal });
      done.push(describePrepAction(action, 'done'));
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      failure = failureOf(err);
      break;
    }
  }
  let after: PrepResult['after'] = before === 'absent' ? 'absent' : 'unknown';
  if (before !== 'absent') {
    const out = await ssh.exec(host, 'getenforce', { signal }).catch(() => undefined);
    after = (out && parseGetenforce(out.stdout)) ?? 'unknown';
  }
  const outcome = failure ? 'failed' : done.length > 0 ? 'changed' : 'unchanged';
  return { host: host.name, outcome, done, notes, diff, before, after, failure };
}
