import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { type Labops, startLabops } from '../../src/main.js';
import type { Lab } from '../lab/index.js';

/**
 * An inventory of some of the simulated lab's hosts for the drift watch: `groups` names them (time servers and
 * clients), `hostVars` adds a host's own variables (e.g. its own chrony.conf). Written into the lab's folder.
 */
export function writeWatchInventory(
  lab: Lab,
  file: string,
  groups: { ntp_servers: string[]; ntp_clients: string[] },
  hostVars: (name: string) => Record<string, unknown> = () => ({}),
): string {
  const address = new Map(lab.hosts.map((h) => [h.name, h.address]));
  const group = (names: string[]) => ({
    hosts: Object.fromEntries(names.map((n) => [n, { ansible_host: address.get(n), ...hostVars(n) }])),
  });
  const path = join(lab.dir, file);
  const vars = { ansible_user: 'root', ansible_port: 2222, ansible_ssh_private_key_file: lab.keyPath };
  const children = { ntp_servers: group(groups.ntp_servers), ntp_clients: group(groups.ntp_clients) };
  writeFileSync(path, stringify({ all: { vars, children } }));
  return path;
}

/**
 * labops in one process (bot, worker, watch) on the simulated lab, watching every second and alerting after two
 * checks, with Slack at the fake and PagerDuty at a fake Events API; `env` adds or overrides settings.
 */
export function startDriftLabops(opts: {
  redisUrl: string;
  inventory: string;
  lab: Lab;
  prefix: string;
  slack: { botToken: string; apiUrl: string; secret: string };
  alertChannel: string;
  admin: string;
  pagerDuty: { url: string; routingKey: string };
  env?: Record<string, string>;
}): Promise<Labops> {
  const config = loadConfig({
    REDIS_URL: opts.redisUrl,
    LAB_INVENTORY: opts.inventory,
    LAB_KNOWN_HOSTS: opts.lab.knownHostsPath,
    LAB_QUEUE_PREFIX: opts.prefix,
    LAB_SSH_CONNECT_TIMEOUT_MS: '2000',
    LAB_DRIFT_INTERVAL: '1',
    LAB_DRIFT_CONFIRM: '2',
    LAB_ALERT_CHANNEL: opts.alertChannel,
    LAB_ADMINS: opts.admin,
    LAB_PAGERDUTY_ROUTING_KEY: opts.pagerDuty.routingKey,
    LAB_PAGERDUTY_URL: opts.pagerDuty.url,
    SLACK_BOT_TOKEN: opts.slack.botToken,
    SLACK_SIGNING_SECRET: opts.slack.secret,
    SLACK_API_URL: opts.slack.apiUrl,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...opts.env,
  });
  return startLabops(config, 'all', { stdin: new PassThrough(), stdout: { write: () => true } });
}

/** Tears down what a drift test started, each part only if it came up; the test's Redis keys are deleted. */
export async function stopDriftTest(parts: {
  labops?: Labops;
  redis?: Redis;
  prefix: string;
  closers: Array<{ close(): Promise<unknown> } | undefined>;
  lab?: Lab;
}): Promise<void> {
  await parts.labops?.stop().catch(() => undefined);
  const keys = (await parts.redis?.keys(`${parts.prefix}:*`)) ?? [];
  if (keys.length) await parts.redis?.del(...keys);
  await parts.redis?.quit();
  for (const c of parts.closers) await c?.close();
  await parts.lab?.stop();
}
