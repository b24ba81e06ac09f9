import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatMessage } from '../chat/message.js';

/** A changing command's plan waiting for an admin's Confirm. */
export interface PendingPlan {
  id: string;
  task: string;
  /** The job data to run on confirm (target, reply channel...). */
  data: Record<string, unknown>;
  hosts: string[];
  command: string;
  channel: string;
  messageTs: string;
  requestedBy?: string;
  /** The plan as shown, to show it again with its outcome instead of the buttons. */
  message: ChatMessage;
  createdAt: number;
}

export type ClaimResult =
  | { ok: true; plan: PendingPlan }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'handled'; outcome: string };

/** What a Confirm bound the claimed plan to: the one job allowed to run it, and the hosts it changes. */
export interface PlanClaim {
  job: string;
  hosts: string[];
}

const HANDLED_SECONDS = 24 * 3600;

// atomic: of two clicks exactly one takes the plan, and nobody sees it gone without an outcome
const CLAIM = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3]) end
return raw`;

// gives a plan back only while the outcome is still the one this claim wrote (nobody else acted since)
const UNCLAIM = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** Plans live in Redis with a TTL, so every bot process sees them and an unconfirmed one simply expires. */
export class PlanStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlSeconds = 600,
  ) {}

  private key = (id: string) => `${this.prefix}:plan:${id}`;
  private outcomeKey = (id: string) => `${this.prefix}:plan:${id}:outcome`;
  private claimKey = (id: string) => `${this.prefix}:plan:${id}:claim`;

  async save(plan: Omit<PendingPlan, 'id' | 'createdAt'>): Promise<PendingPlan> {
    const full: PendingPlan = { ...plan, id: randomUUID(), createdAt: Date.now() };
    await this.redis.set(this.key(full.id), JSON.stringify(full), 'EX', this.ttlSeconds);
    return full;
  }

  async get(id: string): Promise<PendingPlan | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as PendingPlan) : undefined;
  }

  /**
   * Takes the plan out atomically: of two clicks, exactly one gets it. A Confirm passes the job that will run it
   * (`claim`), which the worker checks before it changes anything.
   */
  async claim(id: string, outcome: string, claim?: PlanClaim): Promise<ClaimResult> {
    const keys = [this.key(id), this.outcomeKey(id), this.claimKey(id)];
    const bound = claim ? JSON.stringify(claim) : '';
    const raw = await this.redis.eval(CLAIM, 3, ...keys, outcome, bound, String(HANDLED_SECONDS));
    if (typeof raw === 'string') return { ok: true, plan: JSON.parse(raw) as PendingPlan };
    return { ok: false, ...(await this.whyGone(id)) };
  }

  /**
   * Puts a claimed plan back as it was (its Confirm button works again) for the rest of its 10 minutes.
   * False when it cannot: its time ran out, or someone else has acted on it since.
   */
  async unclaim(plan: PendingPlan, outcome: string): Promise<boolean> {
    const leftMs = plan.createdAt + this.ttlSeconds * 1000 - Date.now();
    if (leftMs <= 0) return false;
    const keys = [this.key(plan.id), this.outcomeKey(plan.id), this.claimKey(plan.id)];
    return (await this.redis.eval(UNCLAIM, 3, ...keys, outcome, JSON.stringify(plan), String(leftMs))) === 1;
  }

  /** Records why a claimed plan ended without running, and unbinds its job, so a click later says so. */
  async settle(id: string, outcome: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.outcomeKey(id), outcome, 'EX', HANDLED_SECONDS)
      .del(this.claimKey(id))
      .exec();
  }

  /** The job a Confirm bound this plan to, and its hosts; undefined if no Confirm claimed it. */
  async claimOf(id: string): Promise<PlanClaim | undefined> {
    const raw = await this.redis.get(this.claimKey(id));
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<PlanClaim>;
    return typeof parsed.job === 'string' && Array.isArray(parsed.hosts)
      ? { job: parsed.job, hosts: parsed.hosts.map(String) }
      : undefined;
  }

  /** Why a plan is no longer pending: someone handled it, or its 10 minutes ran out. */
  async whyGone(id: string): Promise<{ reason: 'expired' } | { reason: 'handled'; outcome: string }> {
    const outcome = await this.redis.get(this.outcomeKey(id));
    return outcome ? { reason: 'handled', outcome } : { reason: 'expired' };
  }
}
