import { escapeMrkdwn } from '../../chat/mrkdwn.js';
import type { InventoryHost } from '../../inventory/index.js';
import { runChange } from '../remote/run-change.js';
import { codeBlock } from '../report/code-block.js';
import type { TargetPayload } from '../target-payload.js';
import type { TaskContext } from '../task.js';
import { prepareAnswerFile } from './answer-stage.js';
import { checkLine, type STAGE_TITLES } from './checklist.js';
import type { DeployChecklist } from './deploy-checklist.js';
import { type DeploySettings, deploySettings } from './deploy-vars.js';
import { installFailure, tailFile } from './install-failure.js';
import { type InstallResult, runPackstack } from './install-stage.js';
import type { Preflight } from './preflight.js';
import { readPreflight } from './read-preflight.js';
import { verifyDeploy } from './verify-stage.js';

export type DeployContext = TaskContext<TargetPayload>;

/** One deploy under way: the controller, its checklist, and what the stages learn as they go. */
export interface Deploy {
  ctx: DeployContext;
  host: InventoryHost;
  checklist: DeployChecklist;
  /** The admin password from the worker's settings (never from chat). */
  password: string;
  /** Every value to mask in what the deploy shows: the password, then the answer file's generated ones. */
  secrets: string[];
  /** Where the checklist message is: the thread of the log tail. */
  channel: string;
  ts: string;
  /** Set by the preflight stage; the later stages run only after it. */
  facts?: { settings: DeploySettings; preflight: Preflight };
}

/** A stage that did not succeed: `detail` goes on its checklist line, the message ends the job. */
export class StageFailed extends Error {
  constructor(
    readonly detail: string,
    message: string,
  ) {
    super(message);
  }
}

/** One stage of the checklist: what it shows when it starts, what it does, what its line says when done. */
export interface DeployStage {
  title: (typeof STAGE_TITLES)[number];
  starting?(deploy: Deploy): string | undefined;
  run(deploy: Deploy): Promise<string>;
}

const pre = (text: string) => codeBlock(text, 2800);

/** "3 checks pass", "5 checks, 1 warning", or what blocks. */
export function checksSummary(checks: readonly { level: string; text: string }[]): string {
  const warn = checks.filter((c) => c.level === 'warn').length;
  const block = checks.filter((c) => c.level === 'block');
  if (block.length) return block.map((c) => c.text).join('; ');
  return `${checks.length} checks${warn ? `, ${warn} warning${warn > 1 ? 's' : ''}` : ' pass'}`;
}

/** The controller's settings and preflight facts (read-only): shared by the plan and the preflight stage. */
export async function readFacts(ctx: DeployContext, host: InventoryHost) {
  const settings = deploySettings(host);
  const preflight = await readPreflight(ctx.ssh, host, settings, {
    thresholds: ctx.settings.drift,
    hasPassword: !!ctx.settings.openstack?.adminPassword,
    signal: ctx.signal,
  });
  return { settings, preflight };
}

const factsOf = (deploy: Deploy) => {
  if (!deploy.facts) throw new Error('the deploy stages ran out of order: no preflight facts');
  return deploy.facts;
};

const preflightStage: DeployStage = {
  title: 'Preflight',
  starting: () => 'reading the controller',
  async run(deploy) {
    const facts = await readFacts(deploy.ctx, deploy.host);
    const { checks, blocked, osName, fqdn } = facts.preflight;
    await deploy.checklist.thread(`Preflight on ${deploy.host.name}:\n${checks.map(checkLine).join('\n')}`);
    if (blocked || !deploy.password)
      throw new StageFailed(
        `refused: ${checksSummary(checks)}`,
        `preflight refused the deploy: ${checksSummary(checks)}`,
      );
    deploy.facts = facts;
    return `${osName ?? ''}, ${fqdn ?? ''}: ${checksSummary(checks)}`;
  },
};

const prepareStage: DeployStage = {
  title: 'Prepare',
  starting: (deploy) => {
    const n = factsOf(deploy).preflight.prepare.length;
    return n ? `${n} changes` : undefined;
  },
  async run(deploy) {
    const { ctx, host, checklist } = deploy;
    const actions = factsOf(deploy).preflight.prepare;
    // a cancel kills the command's process group, so a long dnf stops too
    for (const [index, action] of actions.entries()) {
      checklist.progress(`${index + 1}/${actions.length}: ${action.what}`);
      await runChange(ctx.ssh, host, action.what, action.command, {
        signal: ctx.signal,
        timeoutMs: 1_800_000,
      });
    }
    if (!actions.length) return 'nothing to change';
    await checklist.thread(`Prepared ${host.name}:\n${actions.map((a) => `• ${a.what}`).join('\n')}`);
    return `${actions.length} changes made`;
  },
};

const answerFileStage: DeployStage = {
  title: 'Answer file',
  starting: (deploy) => factsOf(deploy).settings.packstack_answer_file,
  async run(deploy) {
    const { ctx, host, checklist } = deploy;
    const { settings, preflight } = factsOf(deploy);
    const path = settings.packstack_answer_file;
    const answers = await prepareAnswerFile(ctx.ssh, host, settings, {
      password: deploy.password,
      exists: preflight.answerFileExists,
      signal: ctx.signal,
    });
    deploy.secrets.push(...answers.secrets);
    const block = pre(answers.diff || '(no differences: the file already had these values)');
    await checklist.thread(
      `diff ${path} ${path}.old\n${block.plain}`,
      `\`diff ${escapeMrkdwn(path)} ${escapeMrkdwn(path)}.old\` (passwords masked)\n${block.mrkdwn}`,
    );
    return `${answers.generated ? 'generated' : 'reused'} ${path}, ${answers.changedKeys.length} keys set (diff in thread)`;
  },
};

/** The log's tail as a file in the thread; where files cannot be shared, as a code block in a reply. */
async function attachTail(deploy: Deploy, tail: NonNullable<InstallResult['tail']>): Promise<void> {
  const { ctx, host } = deploy;
  if (ctx.files) {
    try {
      await ctx.files.upload(deploy.channel, tailFile(host.name, tail, deploy.secrets, deploy.ts));
      return;
    } catch (err) {
      ctx.log.warn(
        { host: host.name, msg: (err as Error).message },
        'could not attach the packstack log tail',
      );
    }
  }
  const block = pre(tail.text);
  await deploy.checklist.thread(
    `Last lines of ${tail.from}:\n${block.plain}`,
    `Last lines of ${escapeMrkdwn(tail.from)}:\n${block.mrkdwn}`,
  );
}

const installStage: DeployStage = {
  title: 'Install',
  starting: () => 'packstack --answer-file',
  async run(deploy) {
    const { ctx, host, checklist } = deploy;
    const { settings } = factsOf(deploy);
    const install = await runPackstack(
      { ssh: ctx.ssh, execStream: ctx.execStream },
      host,
      settings.packstack_answer_file,
      {
        timeoutMs: settings.packstack_timeout_minutes * 60_000,
        signal: ctx.signal,
        onProgress: (progress) => {
          const last = progress.steps[progress.steps.length - 1];
          const now = progress.applying
            ? `applying ${progress.applying}`
            : last
              ? `last: ${last.title}`
              : 'starting';
          checklist.progress(`${progress.steps.length} steps done, ${now}`);
        },
      },
    );
    const { steps } = install.progress;
    if (install.tail) {
      const { step, lines } = installFailure(host.name, install);
      await checklist.thread(lines.join('\n'), lines.map(escapeMrkdwn).join('\n'));
      await attachTail(deploy, install.tail);
      const done = steps.filter((x) => x.result === 'DONE').length;
      throw new StageFailed(
        `failed at ${step} after ${done} steps (details in thread)`,
        `packstack failed at ${step}`,
      );
    }
    return `${steps.length} steps done`;
  },
};

const verifyStage: DeployStage = {
  title: 'Verify',
  async run(deploy) {
    const { ctx, host, checklist } = deploy;
    const checks = await verifyDeploy(ctx.ssh, host, factsOf(deploy).settings.extIface, ctx.signal);
    const horizon = `http://${host.address}/dashboard`;
    const bad = checks.filter((x) => x.level === 'block');
    const next =
      'Next, as in the runbook: /lab network setup creates the external and internal networks and the router';
    await checklist.thread(
      [
        `Verify on ${host.name}:`,
        ...checks.map(checkLine),
        `Horizon: ${horizon}`,
        `Credentials: ~/keystonerc_admin on ${host.name} (user admin; the password is the one labops was configured with)`,
        ...(bad.length ? [] : [next]),
      ].join('\n'),
    );
    if (bad.length) throw new StageFailed(checksSummary(checks), `verify found ${bad.length} problems`);
    return `${checksSummary(checks)}; Horizon ${horizon}`;
  },
};

/** The runbook's all-in-one, in the order of the checklist's lines. */
export const DEPLOY_STAGES: readonly DeployStage[] = [
  preflightStage,
  prepareStage,
  answerFileStage,
  installStage,
  verifyStage,
];

/** Runs the stages in order, each begun and ended on the checklist; a failed one ends its line and the run. */
export async function runStages(deploy: Deploy): Promise<void> {
  for (const [index, stage] of DEPLOY_STAGES.entries()) {
    await deploy.checklist.begin(index, stage.starting?.(deploy));
    try {
      deploy.checklist.end('done', await stage.run(deploy));
    } catch (err) {
      if (err instanceof StageFailed) deploy.checklist.end('failed', err.detail);
      throw err;
    }
  }
}
