import { z } from 'zod';
import type { InventoryHost } from '../../inventory/index.js';
import { NAME_PATTERN } from '../../inventory/schema.js';
import { asRoot } from '../remote/become.js';
import { type Step, sectionedCommand } from '../remote/sections.js';
import { shellWord } from '../remote/shell-quote.js';

/** Seconds the ceph client may spend finding and authenticating to a monitor before it gives up. */
export const CEPH_CONNECT_TIMEOUT_S = 10;

/** The SSH command's own bound: one connect timeout (later steps are skipped after a failure) plus room for the rest. */
export const CEPH_EXEC_TIMEOUT_MS = (CEPH_CONNECT_TIMEOUT_S * 3 + 15) * 1000;

// checked again here (the inventory checks them on load) because they reach a shell
const CephName = z.string().regex(NAME_PATTERN);
const CephVars = z.object({ ceph_cluster: CephName.optional(), ceph_user: CephName.optional() });

/** What each step asks ceph; the names are the sections of the output. */
export const CEPH_STEPS = {
  status: 'status',
  health: 'health detail',
  'time-sync': 'time-sync-status',
} as const;
export type CephStep = keyof typeof CEPH_STEPS;

/** `ceph --connect-timeout 10 [--cluster C] [--id U] <words> --format json`, the values after their flags. */
export function cephInvocation(host: InventoryHost, step: CephStep): string {
  const vars = CephVars.parse(host.vars);
  const flags = ['--connect-timeout', String(CEPH_CONNECT_TIMEOUT_S)];
  if (vars.ceph_cluster) flags.push('--cluster', shellWord(vars.ceph_cluster));
  if (vars.ceph_user) flags.push('--id', shellWord(vars.ceph_user));
  return ['ceph', ...flags, CEPH_STEPS[step], '--format', 'json'].join(' ');
}

/**
 * The one SSH command: the given steps in order, each as root where the host needs `sudo -n`. Once a step fails the
 * later ones are skipped (exit 1, no output), so a cluster that does not answer costs one connect timeout, not three.
 */
export function cephCommand(host: InventoryHost, steps: readonly CephStep[]): string {
  const framed: Step[] = steps.map((step, i) => {
    const run = `${asRoot(host, cephInvocation(host, step))} 2>&1; r=$?; (exit $r)`;
    return [step, i === 0 ? run : `[ "$r" = 0 ] && { ${run}; }`];
  });
  return sectionedCommand(framed);
}
