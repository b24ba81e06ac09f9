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
import { PlanStore } from '../../src/queue/plan-store.js';

/** A chat that keeps what was posted and updated, by ts. */
function recordingChat() {
  const messages = new Map<string, ChatMessage>();
  let n = 0;
  return {
    messages,
    async post(_channel: string, m: ChatMessage) {
      const ts = `ts-${++n}`;
      messages.set(ts, m);
      return { ts };
    },
    async update(_channel: string, ts: string, m: ChatMessage) {
      messages.set(ts, m);
    },
  };
}

describe('plan confirmation on real Redis', () => {
  const prefix = `labops-confirm-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let queue: Queue;
  let deps: ConfirmDeps & { chat: ReturnType<typeof recordingChat>; audit: AuditLog };
  const admins = new Set(['UADMIN', 'UADMIN2']);

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    queue = new Queue(JOBS_QUEUE, { connection: redis, prefix });
    deps = {
      plans: new PlanStore(redis, prefix),
      locks: new HostLocks(redis, prefix),
      queue,
      chat: recordingChat(),
      isAdmin: (u) => admins.has(u),
      mention: (u) => `<@${u}>`,
      audit: new AuditLog(redis, prefix, pino({ level: 'silent' })),
      log: pino({ level: 'silent' }),
    };
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  const newPlan = async (hosts = ['ntp1', 'ntp2'], store = deps.plans) => {
    const { ts } = await deps.chat.post('C1', { text: 'plan' });
    return store.save({
      task: 'ntp.setup',
      data: { target: 'ntp_servers' },
      hosts,
      command: '/lab ntp setup ntp_servers',
      channel: 'C1',
      messageTs: ts,
      requestedBy: 'UADMIN',
      message: { text: 'Plan: change chrony.conf on ntp1, ntp2' },
    });
  };

  it('refuses a non-admin, and the plan stays pending', async () => {
    const plan = await newPlan(['a1']);
    const result = await confirmPlan(plan.id, 'UBOB', deps);
    expect(result).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringMatching(/Only lab admins may run `\/lab ntp setup/) },
    });
    expect(await deps.plans.get(plan.id)).toBeDefined();
    expect(await queue.getJob(`apply-${plan.id}`)).toBeUndefined();
  });

  it('queues the run once for an admin; a second click starts nothing', async () => {
    const plan = await newPlan(['b1', 'b2']);
    const first = await confirmPlan(plan.id, 'UADMIN', deps);
    expect(first).toMatchObject({ kind: 'job', jobId: `apply-${plan.id}` });
    const job = await queue.getJob(`apply-${plan.id}`);
    expect(job?.data).toMatchObject({
      phase: 'apply',
      planId: plan.id,
      hosts: ['b1', 'b2'],
      target: 'ntp_servers',
    });
    expect(deps.chat.messages.get(plan.messageTs)?.text).toContain('✅ Confirmed by <@UADMIN>.');

    const second = await confirmPlan(plan.id, 'UADMIN2', deps);
    expect(second).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringContaining('already handled (confirmed by <@UADMIN>)') },
    });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    await job?.remove();
    await deps.locks.release(['b1', 'b2'], `apply-${plan.id}`);
  });

  it('two clicks at the same moment run the plan once', async () => {
    const plan = await newPlan(['c1']);
    const results = await Promise.all([
      confirmPlan(plan.id, 'UADMIN', deps),
      confirmPlan(plan.id, 'UADMIN2', deps),
    ]);
    expect(results.filter((r) => r.kind === 'job')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'reply')).toHaveLength(1);
    await (await queue.getJob(`apply-${plan.id}`))?.remove();
    await deps.locks.release(['c1'], `apply-${plan.id}`);
  });

  it('keeps a plan pending while another change holds one of its hosts', async () => {
    const plan = await newPlan(['d1', 'd2']);
    expect(await deps.locks.acquire(['d2'], 'apply-other')).toBeUndefined();
    const busy = await confirmPlan(plan.id, 'UADMIN', deps);
    expect(busy).toMatchObject({
      kind: 'reply',
      message: { text: expect.stringContaining('job apply-other') },
    });
    expect(await deps.locks.holderOf(['d1'])).toBeUndefined(); // all or nothing: d1 was not taken
    await deps.locks.release(['d2'], 'apply-other');
    expect(await confirmPlan(plan.id, 'UADMIN', deps)).toMatchObject({ kind: 'job' });
    await (await queue.getJob(`apply-${plan.id}`))?.remove();
    await deps.locks.release(['d1', 'd2'], `apply-${plan.id}`);
  });

  it('an expired plan runs nothing', async () => {
    const shortLived = new PlanStore(redis, prefix, 1);
    const plan = await newPlan(['e1'], shortLived);
    // Redis expires it after its 1 s TTL: wait for that, not for a fixed time
    for (const end = Date.now() + 10_000; await shortLived.get(plan.id); ) {
      if (Date.now() > end) throw new Error('the plan never expired');
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await confirmPlan(plan.id, 'UADMIN', deps);
    expect(result).toMatchObject({ kind: 'reply', message: { text: expect.stringMatching(/expired/) } });
    expect(await queue.getJob(`apply-${plan.id}`)).toBeUndefined();
    expect(await deps.locks.holderOf(['e1'])).toBeUndefined();
  });

  it('cancel: only the requester or an admin; afterwards Confirm starts nothing', async () => {
    const plan = await newPlan(['f1']);
    expect(await cancelPlan(plan.id, 'UBOB', deps)).toMatchObject({
      message: { text: expect.stringMatching(/Only the admin who asked/) },
    });
    expect(await cancelPlan(plan.id, 'UADMIN', deps)).toMatchObject({
      message: { text: 'Cancelled; nothing was changed.' },
    });
    expect(deps.chat.messages.get(plan.messageTs)?.text).toContain('Cancelled by <@UADMIN>');
    expect(await confirmPlan(plan.id, 'UADMIN2', deps)).toMatchObject({
      message: { text: expect.stringContaining('cancelled by <@UADMIN>') },
    });
    expect(await queue.getJob(`apply-${plan.id}`)).toBeUndefined();
  });

  it('leaves every confirmation, refusal and cancel in the audit trail', async () => {
    const outcomes = (await deps.audit.recent(100)).map((e) => `${e.kind} ${e.user} ${e.outcome}`);
    expect(outcomes).toContain('refusal UBOB refused: not an admin');
    expect(outcomes).toContain('confirm UADMIN confirmed, queued');
    expect(outcomes).toContain('confirm UADMIN2 not run: plan handled');
    expect(outcomes).toContain('confirm UADMIN not run: plan expired');
    expect(outcomes).toContain('refusal UBOB refused: cancel by neither the requester nor an admin');
    expect(outcomes).toContain('cancel UADMIN plan cancelled, nothing changed');
  });
});
