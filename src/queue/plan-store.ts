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

/** Plans live in Redis with a TTL, so every bot process sees them and an unconfirmed one simply expires. */
export class PlanStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlSeconds = 600,
  ) {}

  private key = (id: string) => `${this.prefix}:plan:${id}`;
  private outcomeKey = (id: string) => `${this.prefix}:plan:${id}:outcome`;

  async save(plan: Omit<PendingPlan, 'id' | 'createdAt'>): Promise<PendingPlan> {
    const full: PendingPlan = { ...plan, id: randomUUID(), createdAt: Date.now() };
    await this.redis.set(this.key(full.id), JSON.stringify(full), 'EX', this.ttlSeconds);
    return full;
  }

  async get(id: string): Promise<PendingPlan | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as PendingPlan) : undefined;
  }

  /** Takes the plan out atomically: of two clicks, exactly one gets it. */
  async claim(id: string, outcome: string): Promise<ClaimResult> {
    const raw = await this.redis.getdel(this.key(id));
    if (raw) {
      await this.redis.set(this.outcomeKey(id), outcome, 'EX', 24 * 3600);
      return { ok: true, plan: JSON.parse(raw) as PendingPlan };
    }
    return { ok: false, ...(await this.whyGone(id)) };
  }

  /** Why a plan is no longer pending: someone handled it, or its 10 minutes ran out. */
  async whyGone(id: string): Promise<{ reason: 'expired' } | { reason: 'handled'; outcome: string }> {
    const outcome = await this.redis.get(this.outcomeKey(id));
    return outcome ? { reason: 'handled', outcome } : { reason: 'expired' };
  }
}
