import type { HomeView } from '@slack/types';
import type { Redis } from 'ioredis';
import { parseCommand } from '../bot/grammar.js';
import type { Config } from '../config.js';
import { labsHome } from '../home/labs-home.js';
import type { Inventory } from '../inventory/index.js';
import type { Logger } from '../log/logger.js';
import { loadPolicy, type PolicyDefaults, policyOfEnvironment } from '../policy/load-policy.js';
import { type ConfirmRefusal, mayConfirm, whoMayConfirm } from '../policy/may-confirm.js';
import { channelsText, type Lab, labOfChannel, type Policy, type UserRole } from '../policy/policy.js';
import { roleOf } from '../policy/resolve-role.js';
import type { UserGroups } from '../policy/user-groups.js';
import type { PendingPlan } from '../queue/plan-store.js';
import type { OffsetChartOf } from '../watch/offset-chart-of.js';
import { createStores, type Stores } from './stores.js';

/** One lab as the bot and workers use it: its policy entry, its Redis stores, and its own checks of admins. */
export interface LabRuntime {
  lab: Lab;
  /** Under the lab's key prefix: host locks, audit trail, drift watch, silences, offsets (plans are shared). */
  stores: Stores;
  chart: OffsetChartOf;
  /** Is this user an admin in this lab? (Their role as the gate last resolved it; the console operator always is.) */
  isAdmin(user: string): boolean;
  /** With a policy file: who may confirm a plan of this lab, and what the plan says about it. */
  confirm?: {
    may(plan: PendingPlan, user: string): ConfirmRefusal | undefined;
    note(words: readonly string[], requester: string): string;
  };
}

export interface LabsDeps {
  config: Readonly<Config>;
  redis: Redis;
  log: Logger;
  defaults: PolicyDefaults;
  /** The console adapter: its operator is an admin in every lab, and --lab says which lab its commands run in. */
  console?: { lab?: string };
  /** User groups' members (Slack's usergroups.users.list, cached); absent on the console. */
  groups?: UserGroups;
  /** The policy-less labops's stores and admin check, as they always were. */
  stores: Stores;
  admin(user: string): boolean;
  chartOf(stores: Stores): OffsetChartOf;
}

/** Reads LAB_POLICY, or builds the one lab of a policy-less labops from LAB_INVENTORY and LAB_ADMINS. */
export async function firstPolicy(
  deps: Pick<LabsDeps, 'config' | 'defaults'>,
  inventory: () => Promise<Inventory>,
) {
  const { config, defaults } = deps;
  return config.policyPath
    ? loadPolicy(config.policyPath, defaults)
    : policyOfEnvironment(await inventory(), { ...defaults, alertChannel: config.alertChannel });
}

/** The labs of the current policy; a reload swaps the policy for new commands (SIGHUP). */
export class Labs {
  private current: Policy;
  private readonly runtimes = new WeakMap<Lab, LabRuntime>();
  private readonly roles = new Map<string, UserRole>();

  constructor(
    policy: Policy,
    private readonly deps: LabsDeps,
  ) {
    this.current = policy;
  }

  policy(): Policy {
    return this.current;
  }

  /** The lab a channel's commands run against; the console's channels run the lab of --lab (or the first). */
  labFor(policy: Policy, channel: string): Lab | undefined {
    const { console } = this.deps;
    if (console) return console.lab ? policy.labs.get(console.lab) : [...policy.labs.values()][0];
    return labOfChannel(policy, channel);
  }

  /** The lab a job names (none: the first, as before labs had names); undefined if the policy no longer has it. */
  labNamed(name: string | undefined): Lab | undefined {
    const labs = this.current.labs;
    return name === undefined ? [...labs.values()][0] : labs.get(name);
  }

  async roleOf(lab: Lab, user: string): Promise<UserRole> {
    const { groups } = this.deps;
    const role: UserRole = this.deps.console
      ? 'admin'
      : await roleOf(this.current, lab, user, (g) => groups?.members(g) ?? Promise.resolve([]));
    this.roles.set(`${lab.name}\n${user}`, role);
    return role;
  }

  runtime(lab: Lab): LabRuntime {
    const known = this.runtimes.get(lab);
    if (known) return known;
    const made = this.build(lab);
    this.runtimes.set(lab, made);
    return made;
  }

  /** Reads the policy file again: a valid one takes effect for new commands; an invalid one is logged and ignored. */
  async reload(): Promise<{ ok: boolean }> {
    const { config, defaults, log } = this.deps;
    if (!config.policyPath) {
      log.info('SIGHUP: no LAB_POLICY to reload');
      return { ok: false };
    }
    try {
      this.current = await loadPolicy(config.policyPath, defaults);
    } catch (err) {
      log.error({ problems: (err as Error).message }, 'policy not reloaded, the old one stays');
      return { ok: false };
    }
    this.roles.clear();
    this.deps.groups?.clear();
    log.info({ labs: [...this.current.labs.keys()] }, 'policy reloaded');
    return { ok: true };
  }

  private build(lab: Lab): LabRuntime {
    const { deps } = this;
    if (!this.current.fromFile)
      return { lab, stores: deps.stores, chart: deps.chartOf(deps.stores), isAdmin: deps.admin };
    const stores = createStores(deps.redis, deps.config, deps.log, lab.keyPrefix);
    const role = (user: string) =>
      deps.console ? 'admin' : (this.roles.get(`${lab.name}\n${user}`) ?? 'none');
    const policy = this.current; // the policy this lab came with
    return {
      lab,
      stores,
      chart: deps.chartOf(stores),
      isAdmin: (user) => role(user) === 'admin',
      confirm: {
        may: (plan, user) => {
          const words = wordsOf(plan.command);
          if (!words)
            return {
              text: `\`${plan.command}\` is not a command labops knows; nothing was run.`,
              outcome: 'refused: unknown command',
            };
          return mayConfirm(policy, lab, words, plan.command, {
            user,
            role: role(user),
            requestedBy: plan.requestedBy,
          });
        },
        note: (words, requester) => whoMayConfirm(policy, lab, words, requester),
      },
    };
  }
}

/** The App Home of a user under LAB_POLICY: each lab where they have a role, in the policy's order. */
export async function labsHomeOf(
  labs: Labs,
  user: string | undefined,
  view: (lab: Lab, stores: Stores) => Promise<HomeView>,
): Promise<HomeView> {
  const policy = labs.policy();
  const seen: Lab[] = [];
  for (const lab of policy.labs.values())
    if (user !== undefined && (await labs.roleOf(lab, user)) !== 'none') seen.push(lab);
  const views = await Promise.all(seen.map((lab) => view(lab, labs.runtime(lab).stores)));
  return labsHome(views, channelsText(policy));
}

/** One value per lab object, made when first asked for (a reload's new labs get new ones). */
export function perLab<T extends object>(make: (lab: Lab) => T): (lab: Lab) => T {
  const made = new WeakMap<Lab, T>();
  return (lab) => {
    const known = made.get(lab);
    if (known) return known;
    const value = make(lab);
    made.set(lab, value);
    return value;
  };
}

/** "/lab ntp setup ntp_clients" -> its command's words ("ntp", "setup"), as the policy names commands. */
function wordsOf(command: string): readonly string[] | undefined {
  try {
    const parsed = parseCommand(command.replace(/^\/lab\s*/, ''));
    return parsed.kind === 'task' ? parsed.spec.words : undefined;
  } catch {
    return undefined;
  }
}
