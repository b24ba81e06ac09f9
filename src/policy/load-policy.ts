import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parse } from 'yaml';
import { type Config, ConfigError } from '../config.js';
import { type Inventory, loadInventory } from '../inventory/index.js';
import { commandProblems } from './command-roles.js';
import type { Lab, Policy } from './policy.js';
import { PolicyFile } from './policy-file.js';

/** What a lab's hosts default to, from the environment (LAB_KNOWN_HOSTS, LAB_SSH_KEY, LAB_ADMINS...). */
export interface PolicyDefaults {
  knownHostsPath: string;
  keyPath?: string;
  user: string;
  /** LAB_ADMINS: admins in every lab. */
  admins: readonly string[];
  /** The queue prefix: each lab's Redis keys go under `<prefix>:lab:<name>`. */
  queuePrefix: string;
}

/** What a lab takes from the environment where the policy file says nothing (and the policy-less lab's all). */
export const policyDefaults = (config: Readonly<Config>): PolicyDefaults => ({
  user: userInfo().username,
  keyPath: config.defaultKeyPath,
  knownHostsPath: config.knownHostsPath,
  admins: config.admins,
  queuePrefix: config.queuePrefix,
});

/** A policy file that cannot be used: one line per problem, naming the key, never a value's content. */
export class PolicyError extends ConfigError {}

const fail = (path: string, lines: string[]) =>
  new PolicyError(`the policy ${path} has problems:\n${lines.map((l) => `  ${l}`).join('\n')}`);

/** Parses policy YAML text into the file's shape; throws PolicyError with every problem it finds. */
export function parsePolicyFile(text: string, path: string): PolicyFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    // the first line only: it says where; the lines after it quote the file
    throw fail(path, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = PolicyFile.safeParse(doc);
  if (!parsed.success)
    throw fail(
      path,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  const problems = commandProblems(parsed.data.commands, parsed.data.approvals);
  if (problems.length > 0) throw fail(path, problems);
  return parsed.data;
}

/** Reads LAB_POLICY and every lab's inventory: the whole policy, or a PolicyError listing what is wrong. */
export async function loadPolicy(path: string, defaults: PolicyDefaults): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fail(path, [
      `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); set LAB_POLICY to the policy file`,
    ]);
  }
  const file = parsePolicyFile(text, path);
  const problems: string[] = [];
  const labs = new Map<string, Lab>();
  for (const [name, entry] of Object.entries(file.labs)) {
    const inventory = await loadInventory(entry.inventory, {
      user: defaults.user,
      keyPath: entry.ssh_key ?? defaults.keyPath,
    }).catch((err: Error) => {
      problems.push(`labs.${name}.inventory: ${err.message.replace(/\n\s*/g, '; ')}`);
      return undefined;
    });
    if (inventory) labs.set(name, labOf(name, entry, inventory, defaults));
  }
  if (problems.length > 0) throw fail(path, problems);
  return {
    fromFile: true,
    labs,
    grants: { ...file.roles, admin: [...defaults.admins, ...(file.roles.admin ?? [])] },
    defaultRole: file.default_role,
    commands: file.commands,
    approvals: file.approvals,
  };
}

function labOf(
  name: string,
  entry: PolicyFile['labs'][string],
  inventory: Inventory,
  d: PolicyDefaults,
): Lab {
  return {
    name,
    inventory,
    knownHostsPath: entry.known_hosts ?? d.knownHostsPath,
    keyPrefix: `${d.queuePrefix}:lab:${name}`,
    channels: entry.channels,
    ...(entry.alert_channel && { alertChannel: entry.alert_channel }),
    grants: entry.roles,
  };
}

/**
 * labops without LAB_POLICY, as it always was: one lab (LAB_INVENTORY) in every channel, LAB_ADMINS its admins,
 * everyone else a viewer, its keys where they always were.
 */
export function policyOfEnvironment(
  inventory: Inventory,
  defaults: PolicyDefaults & { alertChannel?: string },
): Policy {
  const lab: Lab = {
    name: 'lab',
    inventory,
    knownHostsPath: defaults.knownHostsPath,
    keyPrefix: defaults.queuePrefix,
    channels: 'any',
    ...(defaults.alertChannel && { alertChannel: defaults.alertChannel }),
    grants: {},
  };
  return {
    fromFile: false,
    labs: new Map([[lab.name, lab]]),
    grants: { admin: [...defaults.admins] },
    defaultRole: 'viewer',
    commands: {},
    approvals: {},
  };
}
