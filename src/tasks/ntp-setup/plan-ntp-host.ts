import { type Failure, sudoBlocker } from '../remote/failure.js';
import { backupPath } from '../remote/remote-file.js';
import { unifiedDiff } from '../report/unified-diff.js';
import type { NtpFacts } from './ntp-facts.js';
import type { NtpRole } from './ntp-targets.js';

/** One change `/lab ntp setup` makes on a host, in the order it makes them. */
export type NtpAction =
  | { kind: 'write-conf'; path: string; backup?: string; content: string; diff: string }
  | { kind: 'open-firewall' }
  | { kind: 'enable'; service: string }
  | { kind: 'restart'; service: string; because: string };

/** What would change on one host, and what is worth saying about the rest. */
export interface NtpHostPlan {
  actions: NtpAction[];
  notes: string[];
  /** Why the host cannot be set up as it is (nothing is changed on it). */
  blocker?: Failure;
}

// is-enabled words that need no `systemctl enable`
const ENABLED = new Set(['enabled', 'static', 'alias', 'indirect', 'generated']);

function firewallPart(facts: NtpFacts): { actions: NtpAction[]; notes: string[] } {
  const fw = facts.firewall;
  if (!fw || fw.state === 'absent')
    return { actions: [], notes: ['firewalld is not installed: no firewall change'] };
  if (fw.state === 'not-running')
    return { actions: [], notes: ['firewalld is not running: no firewall change'] };
  if (fw.runtime.includes('ntp') && fw.permanent.includes('ntp'))
    return { actions: [], notes: ['firewalld already allows ntp (UDP 123)'] };
  return { actions: [{ kind: 'open-firewall' }], notes: [] };
}

/**
 * Pure: from a host's current state and the chrony.conf it should have, the changes to make. A second run on a
 * host it already set up plans nothing.
 */
export function planNtpHost(input: {
  role: NtpRole;
  desiredConf: string;
  facts: NtpFacts;
  /** The login, for sudo's refusal: host name and user. */
  login: { host: string; user: string };
}): NtpHostPlan {
  const { role, desiredConf, facts, login } = input;
  if (/No such file|not found|not-found/i.test(facts.enabled)) {
    return {
      actions: [],
      notes: [],
      blocker: {
        message: `systemd has no unit ${facts.service} (${facts.enabled})`,
        hint: 'Install chrony on the host, or set chrony_service in the inventory to its unit name.',
      },
    };
  }
  const actions: NtpAction[] = [];
  const notes: string[] = [];
  const confChanges = facts.conf !== desiredConf;
  if (confChanges) {
    actions.push({
      kind: 'write-conf',
      path: facts.confPath,
      backup: facts.conf === null ? undefined : backupPath(facts.confPath),
      content: desiredConf,
      diff: unifiedDiff(facts.conf, desiredConf, { old: facts.confPath, new: facts.confPath }),
    });
  }
  if (role === 'server') {
    const fw = firewallPart(facts);
    actions.push(...fw.actions);
    notes.push(...fw.notes);
  }
  if (!ENABLED.has(facts.enabled)) actions.push({ kind: 'enable', service: facts.service });
  if (confChanges || facts.active !== 'active') {
    const because = confChanges ? `${facts.confPath} changes` : `it is ${facts.active}`;
    actions.push({ kind: 'restart', service: facts.service, because });
  }
  if (facts.sudoRefusal && actions.length > 0) {
    return { actions, notes, blocker: sudoBlocker(login, facts.sudoRefusal) };
  }
  return { actions, notes };
}

/** The action in a few words, for plans and reports. */
export function describeAction(a: NtpAction, tense: 'plan' | 'done'): string {
  const past = tense === 'done';
  switch (a.kind) {
    case 'write-conf':
      return `${past ? 'wrote' : 'write'} ${a.path}${a.backup ? ` (previous file kept as ${a.backup})` : ' (new file)'}`;
    case 'open-firewall':
      return `${past ? 'opened' : 'open'} UDP 123 in firewalld (service ntp, permanent, reloaded)`;
    case 'enable':
      return `${past ? 'enabled' : 'enable'} ${a.service} at boot`;
    case 'restart':
      return `${past ? 'restarted' : 'restart'} ${a.service} (${a.because})`;
  }
}
