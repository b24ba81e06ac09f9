import { UnrecoverableError } from 'bullmq';
import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import type { InventoryHost } from '../../inventory/index.js';
import { resolveController } from '../controller/controller.js';
import { toFailure } from '../controller/failure.js';
import { planOnController } from '../controller/on-controller.js';
import { runChange } from '../remote/run-change.js';
import { codeBlock } from '../report/code-block.js';
import { TargetPayload } from '../target-payload.js';
import { defineTask, type TaskContext } from '../task.js';
import { bridgeIfacesKey, runbookAnswers } from './answer-file.js';
import { prepareAnswerFile } from './answer-stage.js';
import { checkLine, renderPlan, STAGE_TITLES } from './checklist.js';
import { openChecklist } from './deploy-checklist.js';
import { deploySettings } from './deploy-vars.js';
import { installFailure, tailFile } from './install-failure.js';
import { type InstallResult, runPackstack } from './install-stage.js';
import { mask } from './mask.js';
import { maskedChat, maskMessage } from './masked-chat.js';
import { readPreflight } from './read-preflight.js';
import { verifyDeploy } from './verify-stage.js';

type Ctx = TaskContext<TargetPayload>;

/** A stage that did not succeed: the checklist says so and the job ends failed. */
class StageFailed extends Error {}

const pre = (text: string) => codeBlock(text, 2800);

function summary(checks: readonly { level: string; text: string }[]): string {
  const warn = checks.filter((c) => c.level === 'warn').length;
  const block = checks.filter((c) => c.level === 'block');
  if (block.length) return block.map((c) => c.text).join('; ');
  return `${checks.length} checks${warn ? `, ${warn} warning${warn > 1 ? 's' : ''}` : ' pass'}`;
}

function preflightOf(ctx: Ctx, host: InventoryHost) {
  const s = deploySettings(host);
  return readPreflight(ctx.ssh, host, s, {
    thresholds: ctx.settings.drift,
    hasPassword: !!ctx.settings.openstack?.adminPassword,
    signal: ctx.signal,
  }).then((pf) => ({ s, pf }));
}

/** The log's tail as a file in the thread; where files cannot be shared, as a code block in a reply. */
async function attachTail(
  ctx: Ctx,
  channel: string,
  ts: string,
  host: string,
  tail: NonNullable<InstallResult['tail']>,
  secrets: readonly string[],
  thread: (plain: string, mrkdwn?: string) => Promise<void>,
): Promise<void> {
  if (ctx.files) {
    try {
      await ctx.files.upload(channel, tailFile(host, tail, secrets, ts));
      return;
    } catch (err) {
      ctx.log.warn({ host, msg: (err as Error).message }, 'could not attach the packstack log tail');
    }
  }
  const block = pre(tail.text);
  await thread(
    `Last lines of ${tail.from}:\n${block.plain}`,
    `Last lines of ${escapeMrkdwn(tail.from)}:\n${block.mrkdwn}`,
  );
}

/**
 * `/lab deploy openstack [controller]`: the runbook's packstack all-in-one in five stages (preflight, prepare,
 * answer file, install, verify), one checklist message that moves as packstack reports its steps, details in
 * its thread. The admin password comes from the worker's settings, never from chat, and is masked everywhere.
 */
export const deployOpenstackTask = defineTask({
  name: 'deploy.openstack',
  payload: TargetPayload,
  plan: (ctx) =>
    planOnController(ctx, 'Deploy OpenStack', async (host) => {
      const { s, pf } = await preflightOf(ctx, host);
      const keys = Object.keys(
        runbookAnswers('', { password: '', extIface: s.extIface, extra: s.packstack_answers }),
      )
        .map((k) =>
          k === bridgeIfacesKey('ovn')
            ? `CONFIG_NEUTRON_OVN|OVS_BRIDGE_IFACES (per backend)=br-ex:${s.extIface}`
            : k,
        )
        .sort();
      const message = renderPlan({
        host: host.name,
        checks: pf.checks,
        prepare: pf.prepare.map((p) => p.what),
        answerFile: s.packstack_answer_file,
        answerFileExists: pf.answerFileExists,
        keys,
        blocked: pf.blocked,
      });
      return {
        message,
        hosts: [host.name],
        empty: pf.blocked,
        emptyNote: 'Nothing was changed. Fix what the preflight found, then run /lab deploy openstack again.',
      };
    }),

  async run(ctx) {
    const { payload, log } = ctx;
    const { channel } = payload.reply;
    const password = ctx.settings.openstack?.adminPassword;
    const secrets: string[] = password ? [password] : [];
    const chat = maskedChat(ctx.chat, () => secrets);
    const started = Date.now();
    let host: InventoryHost | undefined;
    const { ts, checklist: c } = await openChecklist(
      chat,
      channel,
      payload.reply.messageTs,
      () => host?.name ?? 'the controller',
      (message) => ctx.remember?.(maskMessage(message, secrets)),
    );
    try {
      host = resolveController(ctx.inventory, payload.target);
      const h = host;
      await c.begin(0, 'reading the controller');
      const { s, pf } = await preflightOf(ctx, h);
      await c.thread(`Preflight on ${h.name}:\n${pf.checks.map(checkLine).join('\n')}`);
      if (pf.blocked || !password) {
        c.end('failed', `refused: ${summary(pf.checks)}`);
        throw new StageFailed(`preflight refused the deploy: ${summary(pf.checks)}`);
      }
      c.end('done', `${pf.osName ?? ''}, ${pf.fqdn ?? ''}: ${summary(pf.checks)}`);

      await c.begin(1, pf.prepare.length ? `${pf.prepare.length} changes` : undefined);
      // a cancel kills the command's process group, so a long dnf stops too
      for (const [k, a] of pf.prepare.entries()) {
        c.progress(`${k + 1}/${pf.prepare.length}: ${a.what}`);
        await runChange(ctx.ssh, h, a.what, a.command, {
          signal: ctx.signal,
          timeoutMs: 1_800_000,
        });
      }
      if (pf.prepare.length)
        await c.thread(`Prepared ${h.name}:\n${pf.prepare.map((a) => `• ${a.what}`).join('\n')}`);
      c.end('done', pf.prepare.length ? `${pf.prepare.length} changes made` : 'nothing to change');

      await c.begin(2, s.packstack_answer_file);
      const answers = await prepareAnswerFile(ctx.ssh, h, s, {
        password,
        exists: pf.answerFileExists,
        signal: ctx.signal,
      });
      secrets.push(...answers.secrets);
      const diff = answers.diff || '(no differences: the file already had these values)';
      const block = pre(diff);
      await c.thread(
        `diff ${s.packstack_answer_file} ${s.packstack_answer_file}.old\n${block.plain}`,
        `\`diff ${escapeMrkdwn(s.packstack_answer_file)} ${escapeMrkdwn(s.packstack_answer_file)}.old\` (passwords masked)\n${block.mrkdwn}`,
      );
      c.end(
        'done',
        `${answers.generated ? 'generated' : 'reused'} ${s.packstack_answer_file}, ${answers.changedKeys.length} keys set (diff in thread)`,
      );

      await c.begin(3, 'packstack --answer-file');
      const install = await runPackstack(
        { ssh: ctx.ssh, execStream: ctx.execStream },
        h,
        s.packstack_answer_file,
        {
          timeoutMs: s.packstack_timeout_minutes * 60_000,
          signal: ctx.signal,
          onProgress: (p) => {
            const last = p.steps[p.steps.length - 1];
            const now = p.applying ? `applying ${p.applying}` : last ? `last: ${last.title}` : 'starting';
            c.progress(`${p.steps.length} steps done, ${now}`);
          },
        },
      );
      const p = install.progress;
      if (install.tail) {
        const { step, lines } = installFailure(h.name, install);
        await c.thread(lines.join('\n'), lines.map(escapeMrkdwn).join('\n'));
        await attachTail(ctx, channel, ts, h.name, install.tail, secrets, c.thread);
        c.end(
          'failed',
          `failed at ${step} after ${p.steps.filter((x) => x.result === 'DONE').length} steps (details in thread)`,
        );
        throw new StageFailed(`packstack failed at ${step}`);
      }
      c.end('done', `${p.steps.length} steps done`);

      await c.begin(4);
      const checks = await verifyDeploy(ctx.ssh, h, s.extIface, ctx.signal);
      const horizon = `http://${h.address}/dashboard`;
      const bad = checks.filter((x) => x.level === 'block');
      await c.thread(
        [
          `Verify on ${h.name}:`,
          ...checks.map(checkLine),
          `Horizon: ${horizon}`,
          `Credentials: ~/keystonerc_admin on ${h.name} (user admin; the password is the one labops was configured with)`,
          ...(bad.length
            ? []
            : [
                'Next, as in the runbook: /lab network setup creates the external and internal networks and the router',
              ]),
        ].join('\n'),
      );
      if (bad.length) {
        c.end('failed', summary(checks));
        throw new StageFailed(`verify found ${bad.length} problems`);
      }
      c.end('done', `${summary(checks)}; Horizon ${horizon}`);
      await c.finish('done');
      log.info({ controller: h.name, ms: Date.now() - started }, 'deploy done');
      return { controller: h.name, horizon };
    } catch (err) {
      if (!(err instanceof StageFailed)) {
        let why = 'an internal error (see the worker log)';
        try {
          const f = toFailure(err, host?.name); // throws on what is neither the host's nor the user's: a bug
          why = `${f.message}${f.hint ? `. ${f.hint}` : ''}`;
        } catch {}
        c.end('failed', why);
      }
      await c.finish('failed');
      const stage = STAGE_TITLES[c.current];
      const msg = mask((err as Error).message, secrets);
      log.warn({ controller: host?.name, stage, msg }, 'deploy failed');
      throw new UnrecoverableError(`deploy failed at ${stage}: ${msg}`);
    } finally {
      c.close();
    }
  },
});
