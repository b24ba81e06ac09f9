import type { AuditLog } from '../audit/audit-log.js';
import { COMMANDS } from '../commands/index.js';
import { requiredRole } from '../policy/command-roles.js';
import { atLeast, type Lab, labOfChannel, type Policy, type UserRole } from '../policy/policy.js';
import { renderLabHelp, renderRoleRefusal, renderUnbound } from '../policy/render-policy.js';
import type { PlanStore } from '../queue/plan-store.js';
import { ALERT_ACTION_PREFIX, alertCommand } from '../watch/render-alert-actions.js';
import type { DispatchResult, Requester } from './dispatch-result.js';
import { parseCommand } from './grammar.js';

/** What answers people in one lab (src/roles/command-handling.ts builds one per lab). */
export interface LabCommands {
  handle(text: string, who: Requester): Promise<DispatchResult>;
  decide(planId: string, user: string, yes: boolean): Promise<DispatchResult>;
  cancelJob(jobId: string, who: Requester): Promise<DispatchResult>;
  alertAction(actionId: string, host: string, who: Requester): Promise<DispatchResult>;
  /** The lab's audit trail, where the gate records what it refuses. */
  audit: Pick<AuditLog, 'record'>;
}

export interface LabGateDeps {
  policy(): Policy;
  commandsOf(lab: Lab): LabCommands;
  /** The user's role in the lab (resolved now, user groups included, and remembered for the lab's own checks). */
  roleOf(lab: Lab, user: string): Promise<UserRole>;
  /** The lab a channel's commands run against (the console: the lab of --lab). */
  labFor(policy: Policy, channel: string): Lab | undefined;
  plans: Pick<PlanStore, 'get'>;
  /** Where refusals in channels bound to no lab are recorded. */
  audit: Pick<AuditLog, 'record'>;
}

const answer = (message: DispatchResult & { kind: 'reply' }) => message;

/** What the Slack app and the console call: the gate in front of every lab's commands. */
export type GatedCommands = Omit<LabCommands, 'audit'>;

/**
 * Who may do what, where (issue 15): a command runs against the lab bound to its channel, if the user's role
 * there is enough; anything else is answered ephemerally and audited. Without a policy file every command goes to
 * the one lab as it always did.
 */
export function labGate(deps: LabGateDeps): GatedCommands {
  const only = (policy: Policy) => (policy.fromFile ? undefined : [...policy.labs.values()][0]);
  const unbound = async (policy: Policy, text: string, who: Requester) => {
    await deps.audit.record({
      kind: 'refusal',
      user: who.user,
      channel: who.channel,
      text,
      outcome: 'refused: channel bound to no lab',
    });
    return answer({
      kind: 'reply',
      message: renderUnbound(policy),
      outcome: 'refused: channel bound to no lab',
    });
  };

  /** A command in a lab: help for what the user may run, a refusal, or the lab's own answer. */
  const gated = async (policy: Policy, lab: Lab, text: string, who: Requester) => {
    const commands = deps.commandsOf(lab);
    let parsed: ReturnType<typeof parseCommand>;
    try {
      parsed = parseCommand(text);
    } catch {
      return commands.handle(text, who); // bad text: the lab answers it as it always did
    }
    const role = await deps.roleOf(lab, who.user);
    const needed = parsed.kind === 'help' ? 'viewer' : requiredRole(policy, parsed.spec);
    if (atLeast(role, needed)) {
      if (parsed.kind !== 'help') return commands.handle(text, who);
      const help = renderLabHelp(policy, lab, role, COMMANDS);
      await commands.audit.record({
        kind: 'command',
        user: who.user,
        channel: who.channel,
        text: '/lab help',
        outcome: 'answered',
      });
      return answer({ kind: 'reply', message: help });
    }
    const command = parsed.kind === 'help' ? '/lab help' : `/lab ${parsed.spec.words.join(' ')}`;
    const outcome = `refused: needs ${needed}, has ${role}`;
    await commands.audit.record({
      kind: 'refusal',
      user: who.user,
      channel: who.channel,
      text: `/lab ${text}`.trim(),
      outcome,
    });
    return answer({ kind: 'reply', message: renderRoleRefusal(policy, lab, command, needed, role), outcome });
  };

  return {
    async handle(text, who) {
      const policy = deps.policy();
      const one = only(policy);
      if (one) return deps.commandsOf(one).handle(text, who);
      const lab = deps.labFor(policy, who.channel);
      if (!lab) return unbound(policy, `/lab ${text}`.trim(), who);
      return gated(policy, lab, text, who);
    },
    async decide(planId, user, yes) {
      const policy = deps.policy();
      const one = only(policy);
      if (one) return deps.commandsOf(one).decide(planId, user, yes);
      const plan = await deps.plans.get(planId);
      const named = plan && typeof plan.data.lab === 'string' ? policy.labs.get(plan.data.lab) : undefined;
      // a plan gone (or of a lab no longer in the policy): any lab tells why, nothing runs
      const lab = named ?? [...policy.labs.values()][0];
      if (!lab) return answer({ kind: 'reply', message: { text: 'labops serves no lab.' } });
      await deps.roleOf(lab, user);
      return deps.commandsOf(lab).decide(planId, user, yes);
    },
    async cancelJob(jobId, who) {
      const policy = deps.policy();
      const one = only(policy);
      if (one) return deps.commandsOf(one).cancelJob(jobId, who);
      const lab = deps.labFor(policy, who.channel);
      if (!lab) return unbound(policy, `/lab cancel ${jobId}`, who);
      const role = await deps.roleOf(lab, who.user);
      if (!atLeast(role, 'viewer')) return gated(policy, lab, `cancel ${jobId}`, who);
      return deps.commandsOf(lab).cancelJob(jobId, who);
    },
    async alertAction(actionId, host, who) {
      const policy = deps.policy();
      const one = only(policy);
      if (one) return deps.commandsOf(one).alertAction(actionId, host, who);
      // an alert's buttons are clicked in its lab's alert channel
      const lab =
        [...policy.labs.values()].find((l) => l.alertChannel === who.channel) ??
        labOfChannel(policy, who.channel);
      if (!lab) return unbound(policy, `alert action ${actionId}`, who);
      const text =
        actionId === `${ALERT_ACTION_PREFIX}chart` ? `ntp graph ${host}` : alertCommand(actionId, host);
      if (!text) return deps.commandsOf(lab).alertAction(actionId, host, who);
      const role = await deps.roleOf(lab, who.user);
      const parsed = (() => {
        try {
          return parseCommand(text);
        } catch {
          return undefined;
        }
      })();
      if (parsed?.kind === 'task' && !atLeast(role, requiredRole(policy, parsed.spec)))
        return gated(policy, lab, text, who);
      return deps.commandsOf(lab).alertAction(actionId, host, who);
    },
  };
}
