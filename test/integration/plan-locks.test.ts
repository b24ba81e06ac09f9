import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import { type ConfirmDeps, cancelPlan, confirmPlan } from '../../src/bot/confirm.js';
import type { ChatMessage } from '../../src/chat/message.js';
import { HostLocks } from '../../src/queue/host-locks.js';
import { JOBS_QUEUE } from '../../src/queue/jobs-queue.js';
import { type PlanClaim, PlanStore } from '../../src/queue/plan-store.js';

/** A Slack Web API error as @slack/web-api throws it. */
const slackError = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: 'slack_webapi_platform_error',
    data: { ok: false, error },
  });

/**
 * Every way a Confirm can end without queueing its run leaves the hosts free: a Cancel that wins the race, Slack
 * failing after the plan was claimed, the queue failing. (Before issue 11 each left the locks held for 2 hours.)
 */
describe('a Confirm that queues nothing leaves no host locked', () => {
  const prefix = `labops-planlocks-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let queue: Queue;
  let locks: HostLocks;
  let plans: PlanStore;
  const log = pino({ level: 'silent' });

  const deps = (over: Partial<ConfirmDeps> = {}): ConfirmDeps => {
    let n = 0;
    const chat = {
      post: async (_c: string, _m: ChatMessage) => ({ ts: `ts-${++n}` }),
      update: async () => undefined,
    };
    return {
      plans,
      locks,
      queue,
      chat,
      isAdmin: () => true,
      mention: (u) => `<@${u}>`,
      audit: new AuditLog(redis, prefix, log),
      log,
      ...over,
    };
  };
  const newPlan = (hosts: string[], store = plans) =>
    store.save({
      task: 'ntp.setup',
      data: { target: 'ntp_servers' },
      hosts,
      command: '/lab ntp setup ntp_servers',
      channel: 'C1',
      messageTs: 'ts-plan',
      requestedBy: 'UADMIN',
      message: { text: 'Plan: change chrony.conf' },
    });

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    queue = new Queue(JOBS_QUEUE, { connection: redis, prefix });
    locks = new HostLocks(redis, prefix);
    plans = new PlanStore(redis, prefix);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('a Cancel that lands while a Confirm is under way: nothing queued, hosts free, the Confirm says so', async () => {
    // the Confirm's claim waits until the Cancel has finished: the interleaving two people clicking at once can get
    let cancelled: () => void = () => undefined;
    const cancelDone = new Promise<void>((r) => {
      cancelled = r;
    });
    class SlowConfirm extends PlanStore {
      override async claim(id: string, outcome: string, claim?: PlanClaim) {
        if (outcome.startsWith('confirmed')) await cancelDone;
        return super.claim(id, outcome, claim);
      }
    }
    const slow = new SlowConfirm(redis, prefix);
    const plan = await newPlan(['race1', 'race2'], slow);
    const confirming = confirmPlan(plan.id, 'UADMIN', deps({ plans: slow }));
    await new Promise((r) => setTimeout(r, 50)); // the Confirm is past its first reads
    const cancel = await cancelPlan(plan.id, 'UADMIN2', deps({ plans: slow }));
    cancelled();
    expect(cancel).toMatchObject({ message: { text: 'Cancelled; nothing was changed.' } });
    expect(await confirming).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringContaining('already handled (cancelled by <@UADMIN2>)') },
    });
    expect(await locks.holderOf(['race1', 'race2'])).toBeUndefined();
    expect(await queue.getJob(`apply-${plan.id}`)).toBeUndefined();
  });

  it('Slack failing after the claim: nothing queued, hosts free, the admin told to run it again', async () => {
    const plan = await newPlan(['slack1']);
    const failing = deps({
      chat: {
        post: async () => ({ ts: 'x' }),
        update: async () => {
          throw slackError('ratelimited');
        },
      },
    });
    const result = await confirmPlan(plan.id, 'UADMIN', failing).catch((err: Error) => err);
    expect(await locks.holderOf(['slack1'])).toBeUndefined();
    expect(await queue.getJob(`apply-${plan.id}`)).toBeUndefined();
    expect(result).toMatchObject({
      kind: 'reply',
      message: {
        text: 'Slack refused my message (ratelimited); nothing was started. Run `/lab ntp setup ntp_servers` again for a fresh plan.',
      },
    });
    // a second click does not start it either, and says why
    expect(await confirmPlan(plan.id, 'UADMIN', deps())).toMatchObject({
      message: { text: expect.stringContaining('already handled (not started: Slack answered ratelimited)') },
    });
    expect(await plans.claimOf(plan.id)).toBeUndefined(); // no job may run it
  });

  it('the queue failing after the claim: hosts free, the admin told the queue is unreachable', async () => {
    const plan = await newPlan(['q1']);
    const result = await confirmPlan(
      plan.id,
      'UADMIN',
      deps({
        queue: {
          add: async () => {
            throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
          },
        },
      }),
    ).catch((err: Error) => err);
    expect(await locks.holderOf(['q1'])).toBeUndefined();
    expect(result).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringMatching(/^labops cannot reach its queue; nothing was started\./) },
    });
  });

  it('busy hosts: the plan is given back, and Confirm works once they are free', async () => {
    const plan = await newPlan(['busy1']);
    expect(await locks.acquire(['busy1'], 'apply-other')).toBeUndefined();
    expect(await confirmPlan(plan.id, 'UADMIN', deps())).toMatchObject({
      message: { text: expect.stringMatching(/job apply-other.*still pending: Confirm again/) },
    });
    await locks.release(['busy1'], 'apply-other');
    expect(await confirmPlan(plan.id, 'UADMIN', deps())).toMatchObject({ kind: 'job' });
    // the Confirm's locks cover the wait in the queue (up to 10 minutes), then the worker renews them
    const pttl = await redis.pttl(`${prefix}:lock:host:busy1`);
    expect(pttl).toBeGreaterThan(9 * 60_000);
    expect(await plans.claimOf(plan.id)).toEqual({ job: `apply-${plan.id}`, hosts: ['busy1'] });
  });
});
