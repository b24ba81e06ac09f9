import { readFile } from 'node:fs/promises';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { type Inventory, loadInventory } from '../inventory/index.js';
import { loadPolicy, policyDefaults } from '../policy/load-policy.js';
import { type Lab, namedGroups } from '../policy/policy.js';
import { type KnownHostEntry, parseKnownHosts } from '../ssh/known-hosts.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { bounded } from './bounded.js';
import { type Finding, ok, problem } from './finding.js';
import { checkHost } from './host-checks.js';
import { manifestBotScopes } from './manifest-scopes.js';
import { checkRedis } from './redis-check.js';
import { checkSlack } from './slack-checks.js';
import { tcpProbe } from './tcp-probe.js';

export interface DoctorOptions {
  /** The Slack app manifest whose bot scopes the token must have. */
  manifestPath: string;
  /** Bound of one network call (TCP, SSH login, a command, Redis, Slack). */
  stepMs: number;
}

/**
 * Checks, in parallel and read-only, everything labops needs: the config (already parsed by the caller), the
 * inventory, known_hosts and every host, Redis and Slack. Each host has a time budget; nothing waits longer.
 */
export async function runDoctor(config: Readonly<Config>, opts: DoctorOptions): Promise<Finding[]> {
  const found: Finding[] = [ok('config', 'environment', `parses (${config.slack.mode} mode)`)];
  const groups: string[] = [];
  const alertChannels: Array<{ lab: string; channel: string }> = [];
  const labs = config.policyPath
    ? await policyLabsOf(config, config.policyPath, found, { groups, alertChannels })
    : await Promise.all([inventoryOf(config, found), knownHostsOf(config.knownHostsPath, found)]).then(
        ([inventory, knownHosts]) =>
          inventory && knownHosts ? [{ inventory, knownHosts, knownHostsPath: config.knownHostsPath }] : [],
      );
  const checks: Promise<Finding[]>[] = [
    checkRedis(config.redisUrl, opts.stepMs),
    slackOf(config, opts, groups, alertChannels),
  ];
  const pools: SshPool[] = [];
  for (const { inventory, knownHosts, knownHostsPath } of labs) {
    const ssh = new SshPool({
      knownHostsPath,
      connectTimeoutMs: Math.min(config.ssh.connectTimeoutMs, opts.stepMs),
      commandTimeoutMs: opts.stepMs,
      idleMs: 60_000,
      concurrency: config.ssh.concurrency,
    });
    pools.push(ssh);
    const deps = { knownHosts, knownHostsPath, ssh, timeoutMs: opts.stepMs };
    const tcp = (address: string, port: number) => tcpProbe(address, port, opts.stepMs);
    // TCP, login, then the tools: a host is done within four steps' time, whatever hangs
    for (const host of inventory.hosts.values())
      checks.push(
        bounded(checkHost(host, { ...deps, tcp }), 4 * opts.stepMs + 1000, host.name).catch((err: Error) => [
          problem(
            'fail',
            host.name,
            'SSH',
            err.message,
            `Check sshd on ${host.name}: it accepts TCP but does not finish the checks.`,
          ),
        ]),
      );
  }
  try {
    return [...found, ...(await Promise.all(checks)).flat()];
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

async function inventoryOf(config: Readonly<Config>, found: Finding[]): Promise<Inventory | undefined> {
  try {
    const inventory = await loadInventory(config.inventoryPath, policyDefaults(config));
    found.push(
      ok(
        'inventory',
        'parses',
        `${config.inventoryPath}: ${inventory.hosts.size} hosts, ${inventory.groups.size - 1} groups`,
      ),
    );
    return inventory;
  } catch (err) {
    found.push(
      problem(
        'fail',
        'inventory',
        'parses',
        (err as Error).message,
        'Fix the inventory (LAB_INVENTORY; the Ansible YAML format, see README "Inventory").',
      ),
    );
    return undefined;
  }
}

/** LAB_POLICY: the file and every lab's inventory (one finding), then each lab's known_hosts. */
async function policyLabsOf(
  config: Readonly<Config>,
  path: string,
  found: Finding[],
  into: { groups: string[]; alertChannels: Array<{ lab: string; channel: string }> },
) {
  const defaults = policyDefaults(config);
  let labs: Lab[];
  try {
    const policy = await loadPolicy(path, defaults);
    labs = [...policy.labs.values()];
    into.groups.push(...namedGroups(policy));
    for (const lab of labs)
      if (lab.alertChannel) into.alertChannels.push({ lab: lab.name, channel: lab.alertChannel });
  } catch (err) {
    const fix = 'Fix LAB_POLICY (see README "Labs, roles and channels").';
    found.push(problem('fail', 'policy', 'parses', (err as Error).message, fix));
    return [];
  }
  const sizes = labs.map((l) => `${l.name} (${l.inventory.hosts.size} hosts)`).join(', ');
  found.push(ok('policy', 'parses', `${path}: ${labs.length} labs: ${sizes}`));
  return Promise.all(
    labs.map(async (lab) => ({
      inventory: lab.inventory,
      knownHostsPath: lab.knownHostsPath,
      knownHosts: (await knownHostsOf(lab.knownHostsPath, found)) ?? [],
    })),
  );
}

async function knownHostsOf(knownHostsPath: string, found: Finding[]): Promise<KnownHostEntry[] | undefined> {
  try {
    const entries = parseKnownHosts(await readFile(knownHostsPath, 'utf8'));
    found.push(ok('known_hosts', 'readable', `${knownHostsPath}: ${entries.length} keys`));
    return entries;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    found.push(
      problem(
        'fail',
        'known_hosts',
        'readable',
        `${knownHostsPath}: ${code}`,
        "Create it with the hosts' keys (see each host's ssh-keyscan line), or point LAB_KNOWN_HOSTS at yours.",
      ),
    );
    return [];
  }
}

async function slackOf(
  config: Readonly<Config>,
  opts: DoctorOptions,
  userGroups: readonly string[],
  labAlertChannels: ReadonlyArray<{ lab: string; channel: string }>,
): Promise<Finding[]> {
  if (config.slack.mode === 'console')
    return [ok('slack', 'mode', 'console adapter (no SLACK_BOT_TOKEN): Slack not checked')];
  const client = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    timeout: opts.stepMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const manifest = await readFile(opts.manifestPath, 'utf8').catch(() => '');
  const appToken = config.slack.mode === 'socket' ? config.slack.appToken : undefined;
  return checkSlack({
    slack: {
      authTest: () => client.auth.test(),
      conversationInfo: (channel) => client.conversations.info({ channel }),
      openConnection: appToken ? () => client.apps.connections.open({ token: appToken }) : undefined,
    },
    mode: config.slack.mode,
    wantedScopes: manifestBotScopes(manifest),
    // under LAB_POLICY each lab's alert_channel is checked; LAB_ALERT_CHANNEL is not used then
    ...(labAlertChannels.length > 0 || config.policyPath
      ? { labAlertChannels }
      : { alertChannel: config.alertChannel }),
    userGroups,
    timeoutMs: opts.stepMs,
  });
}
