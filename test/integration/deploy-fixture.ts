// What the /lab deploy openstack tests share: a lab of their own with the controller and its deploy stand-ins
// (test/lab/deploy-stand-ins.ts), the fake Keystone/Neutron the real openstack CLI talks to, and the Slack side of a
// deploy (slash command, plan, Confirm, what the channel was told) on labops started with startSlackLabops.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import {
  type DeployStandIns,
  inventoryWithControllerVars,
  setUpDeployStandIns,
} from '../lab/deploy-stand-ins.js';
import { type Lab, startLab } from '../lab/index.js';
import { type FakeOpenstack, startFakeOpenstack } from '../support/fake-openstack.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
import { postInteraction, SLACK_IDS } from '../support/slack-request.js';
import type { SlackLabops } from './start-labops.js';

export const ADMIN: string = SLACK_IDS.userId;

export interface DeployLab {
  lab: Lab;
  openstack: FakeOpenstack;
  standIns: DeployStandIns;
  /** The controller's host dir (its bin/, home/, logs). */
  hostDir: string;
  /** What labops needs besides Slack, Redis and the queue prefix: the deploy inventory, admins, the admin password. */
  env: Record<string, string>;
  /** Every recorded Slack call and shared file, every command the controller ran and each stand-in's arguments. */
  everything(slack: FakeSlack): string;
  /** Pids of this lab's packstack stand-in running an install. */
  packstackPids(): string[];
  /** The answer file's password lines. */
  passwordLines(): string[];
  stop(): Promise<void>;
}

/** Starts the deploy lab on `net` (its own loopback addresses, e.g. '127.0.11'), without labops. */
export async function startDeployLab(o: {
  name: string;
  net: string;
  password: string;
  /** Seconds between packstack's console lines (70 of them); default 0.06. */
  stepDelay?: number;
}): Promise<DeployLab> {
  const dir = join(tmpdir(), `labops-${o.name}-lab`);
  const openstack = await startFakeOpenstack({ password: o.password });
  const lab = await startLab({ dir, net: o.net, controller: { authUrl: openstack.authUrl } });
  const hostDir = dirname(lab.commandLogPath('controller'));
  const standIns = setUpDeployStandIns(hostDir, { authUrl: openstack.authUrl, stepDelay: o.stepDelay });
  rmSync(join(hostDir, 'home', 'keystonerc_admin')); // packstack writes it
  const packstackPath = join(hostDir, 'bin', 'packstack');
  return {
    lab,
    openstack,
    standIns,
    hostDir,
    env: {
      LAB_INVENTORY: inventoryWithControllerVars(lab.inventoryPath, standIns.vars),
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_ADMINS: ADMIN,
      LAB_OPENSTACK_ADMIN_PASSWORD: o.password,
    },
    everything: (slack) =>
      [
        JSON.stringify(slack.calls),
        ...slack.files().map((f) => `${f.filename} ${f.title ?? ''}\n${f.content?.toString('utf8') ?? ''}`),
        readFileSync(lab.commandLogPath('controller'), 'utf8'),
        readFileSync(standIns.callsPath, 'utf8'),
      ].join('\n'),
    packstackPids() {
      try {
        return execFileSync('pgrep', ['-f', '--', `${packstackPath} --answer-file`], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean);
      } catch {
        return []; // pgrep exits 1 when nothing matches
      }
    },
    passwordLines: () =>
      readFileSync(standIns.answerFile, 'utf8')
        .split('\n')
        .filter((l) => /^CONFIG_[A-Z0-9_]*(_PW|_PASSWORD)=/.test(l)),
    async stop() {
      await lab.stop();
      await openstack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const textOf = (c: RecordedCall) => String(c.args.text ?? '');

/** The Slack side of a deploy, as the admin (LAB_ADMINS in the lab's env), on labops answering the fake Slack. */
export function deployChannel(labops: Pick<SlackLabops, 'slack' | 'events' | 'secret' | 'ask' | 'slash'>) {
  const { slack, events, secret: signingSecret } = labops;
  const seen = (pattern: RegExp, timeoutMs = 30_000, since = 0): Promise<RecordedCall> =>
    slack.waitFor(
      (c) =>
        slack.calls.indexOf(c) >= since &&
        (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
        pattern.test(textOf(c)),
      timeoutMs,
    );
  return {
    seen,
    updates: () => slack.calls.filter((c) => c.method === 'chat.update').map(textOf),
    threadReplies: () =>
      slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.thread_ts).map(textOf),

    /** A slash command; its ephemeral answer (the response_url POST). */
    slash: (text: string): Promise<RecordedCall> => labops.ask(text, ADMIN),

    /** /lab deploy openstack up to its plan: the plan message (a ready one, or one that says why not). */
    async plan(): Promise<RecordedCall> {
      const before = slack.calls.length;
      const res = await labops.slash('deploy openstack', { user: ADMIN });
      expect(res.status).toBe(200);
      return seen(/^Deploy OpenStack on controller: /, 30_000, before);
    },

    /** The admin's Confirm on a plan message. */
    async confirm(planned: RecordedCall): Promise<void> {
      const button = (
        (planned.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[]
      )
        .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
        .find((b) => b.action_id === 'labops_confirm');
      expect(button?.value).toBeDefined();
      const click = await postInteraction(events, signingSecret, {
        user_id: ADMIN,
        actions: [
          { action_id: 'labops_confirm', block_id: 'labops_plan', type: 'button', value: button?.value },
        ],
        message_ts: String(planned.args.ts),
        channel_id: SLACK_IDS.channelId,
      });
      expect(click.status).toBe(200);
    },
  };
}
