import { backupPath } from '../remote/remote-file.js';
import { unifiedDiff } from '../report/unified-diff.js';
import { type SelinuxMode, selinuxConfigMode, withSelinuxMode } from './selinux-config.js';

export const SELINUX_CONFIG = '/etc/selinux/config';

/** A host's SELinux as `/lab host prep` reads it. */
export interface PrepFacts {
  /** getenforce's answer; 'absent' when the host has no getenforce (no SELinux tools). */
  runtime: SelinuxMode | 'absent';
  /** /etc/selinux/config; null when there is none. */
  config: string | null;
  sudoRefusal?: string;
}

export type PrepAction =
  | { kind: 'setenforce' }
  | { kind: 'write-config'; path: string; content: string; diff: string; from: string };

export interface PrepPlan {
  actions: PrepAction[];
  notes: string[];
}

/** Pure: what makes SELinux permissive now and after a reboot, from the host's current state. */
export function planHostPrep(facts: PrepFacts): PrepPlan {
  if (facts.runtime === 'absent') return { actions: [], notes: ['no getenforce: SELinux is not installed'] };
  const actions: PrepAction[] = [];
  const notes: string[] = [];
  if (facts.runtime === 'enforcing') actions.push({ kind: 'setenforce' });
  else notes.push(`SELinux is ${facts.runtime} now`);
  if (facts.config === null) {
    notes.push(`no ${SELINUX_CONFIG}: only the running mode is changed`);
  } else {
    const mode = selinuxConfigMode(facts.config);
    if (mode === 'enforcing' || mode === undefined) {
      const content = withSelinuxMode(facts.config, 'permissive');
      actions.push({
        kind: 'write-config',
        path: SELINUX_CONFIG,
        content,
        diff: unifiedDiff(facts.config, content, { old: SELINUX_CONFIG, new: SELINUX_CONFIG }),
        from: mode ?? 'unset',
      });
    } else {
      notes.push(`${SELINUX_CONFIG} already says SELINUX=${mode}`);
    }
  }
  return { actions, notes };
}

export function describePrepAction(a: PrepAction, tense: 'plan' | 'done'): string {
  const past = tense === 'done';
  if (a.kind === 'setenforce')
    return `${past ? 'switched' : 'switch'} SELinux to permissive now (setenforce 0)`;
  return `${past ? 'set' : 'set'} SELINUX=permissive in ${a.path} (was ${a.from}; previous file kept as ${backupPath(a.path)})`;
}
