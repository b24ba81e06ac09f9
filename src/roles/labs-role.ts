import type { Redis } from 'ioredis';
import { type GatedCommands, labGate } from '../bot/lab-gate.js';
import type { PngRenderer } from '../chart/png-renderer.js';
import { groupMembers } from '../chat/user-group-members.js';
import { type Config, ConfigError } from '../config.js';
import { loadInventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import { policyDefaults } from '../policy/load-policy.js';
import type { Policy } from '../policy/policy.js';
import { UserGroups } from '../policy/user-groups.js';
import { offsetChartOf } from '../watch/offset-chart-of.js';
import type { ChatEdge } from './chat-edge.js';
import { commandHandling } from './command-handling.js';
import type { Core } from './core.js';
import { firstPolicy, Labs, perLab } from './labs.js';
import type { Stores } from './stores.js';

/**
 * The policy a process starts with: LAB_POLICY (issue 15), or without it one lab from LAB_INVENTORY and LAB_ADMINS
 * as always. The console's --lab must name one of its labs.
 */
export async function openPolicy(config: Readonly<Config>, consoleMode: boolean, lab: string | undefined) {
  const defaults = policyDefaults(config);
  const policy = await firstPolicy({ config, defaults }, () => loadInventory(config.inventoryPath, defaults));
  if (lab && !consoleMode)
    throw new ConfigError(
      '--lab is for the console adapter (no SLACK_BOT_TOKEN): in Slack, a channel says its lab.',
    );
  if (consoleMode && lab && !policy.labs.has(lab))
    throw new ConfigError(
      `--lab ${lab}: the policy has no such lab (labs: ${[...policy.labs.keys()].join(', ')}).`,
    );
  const [first] = policy.labs.values();
  if (!first) throw new ConfigError('the policy names no lab');
  return { policy, defaults, first };
}

/** The labs of the policy, each with its stores and checks; user groups read from Slack (none on the console). */
export function createLabs(
  start: Awaited<ReturnType<typeof openPolicy>>,
  deps: {
    config: Readonly<Config>;
    redis: Redis;
    log: Logger;
    edge: ChatEdge;
    stores: Stores;
    png: PngRenderer;
    admin(user: string): boolean;
    /** The console adapter: its --lab (undefined: the first lab). */
    console?: { lab?: string };
  },
): Labs {
  const { config, redis, log, edge, stores, png, admin } = deps;
  const { slack } = edge;
  return new Labs(start.policy, {
    config,
    redis,
    log,
    defaults: start.defaults,
    ...(deps.console && { console: deps.console }),
    ...(slack && { groups: new UserGroups((group) => groupMembers(slack, group), log) }),
    stores,
    admin,
    chartOf: (s) => offsetChartOf(s.offsetHistory, config.drift, png),
  });
}

/** The gate in front of every lab's commands (channel -> lab, role per command); each lab's commands made once. */
export function gatedCommands(core: Core): GatedCommands {
  const { labs, stores } = core;
  return labGate({
    policy: () => labs.policy(),
    commandsOf: perLab((lab) => commandHandling(core, labs.runtime(lab))),
    roleOf: (lab, user) => labs.roleOf(lab, user),
    labFor: (p: Policy, channel) => labs.labFor(p, channel),
    plans: stores.plans,
    audit: stores.audit,
  });
}

/**
 * SIGHUP: reads the policy again; a valid one takes effect for new commands at once, and this process's drift
 * watches (if it runs them) restart with its labs (new labs, alert channels, hosts). An invalid one changes nothing.
 */
export function reloadOf(labs: Labs, watches: { restart(): Promise<void> } | undefined, log: Logger) {
  return async (): Promise<{ ok: boolean }> => {
    const result = await labs.reload();
    if (!result.ok || !watches) return result;
    await watches
      .restart()
      .catch((err: Error) => log.error({ msg: err.message }, 'drift watches not restarted after the reload'));
    return result;
  };
}
