import { section } from '../../chat/blocks.js';
import { FINAL } from '../../chat/sink.js';
import { UserInputError } from '../../errors.js';
import { resolveTargets, type Targets } from '../../inventory/index.js';
import type { CephStep } from '../ceph-cluster/ceph-command.js';
import { checkMons } from '../ceph-cluster/check-mons.js';
import { CEPH_MONS } from '../ceph-cluster/mon-group.js';
import { monProblems } from '../ceph-cluster/mon-problems.js';
import { readCeph } from '../ceph-cluster/read-ceph.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask, type TaskContext } from '../task.js';
import { line, message } from './lines.js';
import { renderCephReport, renderNoMonitor } from './render-ceph.js';
import { renderRaw } from './render-raw.js';

export { CEPH_MONS } from '../ceph-cluster/mon-group.js';

const STEPS: Readonly<Record<'status' | 'health', readonly CephStep[]>> = {
  status: ['status', 'health', 'time-sync'],
  health: ['health'],
};

/** The raw JSON into the job's thread: short as code blocks, long as files (or a message the sink files). */
async function postRaw(
  ctx: TaskContext<TargetPayload>,
  reading: Parameters<typeof renderRaw>[0],
  ts: string,
) {
  const { channel } = ctx.payload.reply;
  for (const part of renderRaw(reading, ts)) {
    if (part.kind === 'message') await ctx.chat.reply(channel, ts, part.message);
    else if (ctx.files) await ctx.files.upload(channel, part.file);
    else await ctx.chat.reply(channel, ts, { text: new TextDecoder().decode(part.file.bytes) });
  }
}

async function runCeph(ctx: TaskContext<TargetPayload>, what: 'status' | 'health') {
  const { payload, inventory, ssh, chat, signal, settings, log } = ctx;
  const { channel } = payload.reply;
  const pending = `⏳ Asking Ceph for its ${what}…`;
  const ts =
    payload.reply.messageTs ?? (await chat.post(channel, { text: pending, blocks: [section(pending)] })).ts;
  let targets: Targets;
  try {
    targets = resolveTargets(inventory, payload.target, CEPH_MONS);
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    const why = `${err.message} /lab ceph asks the hosts of the inventory group ${CEPH_MONS} (the Ceph monitors), or the group or host you name.`;
    await chat.update(channel, ts, message([[line(`Ceph ${what}: failed. ${why}`)]]), FINAL);
    return { error: err.message };
  }
  const { reading, failed } = await readCeph(ssh, targets.hosts, STEPS[what], signal);
  const failedHosts = failed.map((f) => ({ host: f.host, code: f.failure.code }));
  if (!reading) {
    await chat.update(channel, ts, renderNoMonitor(what, targets.label, failed), FINAL);
    log.warn({ target: targets.label, failed: failedHosts }, 'ceph: no monitor answered');
    return { health: undefined, failed: failedHosts };
  }
  const problems = what === 'status' ? monProblems(reading.health, reading.timeSync, reading.status) : [];
  const mons = await checkMons(ssh, inventory, problems, settings.drift, signal);
  await chat.update(channel, ts, renderCephReport({ what, reading, mons, failed }), FINAL);
  await postRaw(ctx, reading, ts);
  log.info({ monitor: reading.monitor, health: reading.health.status }, `ceph ${what} done`);
  return {
    monitor: reading.monitor,
    health: reading.health.status,
    checks: Object.keys(reading.health.checks),
    mons: mons.map((m) => ({ mon: m.mon, kind: m.kind, host: m.host, chrony: m.chrony?.state })),
    failed: failedHosts,
  };
}

/** `/lab ceph status`: status, health detail and time-sync-status from the first monitor that answers. */
export const cephStatusTask = defineTask({
  name: 'ceph.status',
  payload: TargetPayload,
  run: (ctx) => runCeph(ctx, 'status'),
});

/** `/lab ceph health`: just the health checks, for a quick look. */
export const cephHealthTask = defineTask({
  name: 'ceph.health',
  payload: TargetPayload,
  run: (ctx) => runCeph(ctx, 'health'),
});
