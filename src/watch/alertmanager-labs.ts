import type { AlertmanagerPayload } from './alertmanager-payload.js';
import { hostOfInstance } from './render-alertmanager.js';

type Host = { name: string; address: string };

/** A lab as the webhook routes to it: its hosts, and the channel its alerts go to (none: not posted there). */
export interface AlertLab {
  name: string;
  hosts: readonly Host[];
  alertChannel?: string;
}

export interface AlertsByLab<L extends AlertLab> {
  /** The payload once per lab whose hosts it names, with that lab's alerts only (status: firing while one is). */
  labs: Array<{ lab: L; payload: AlertmanagerPayload }>;
  /** Instances of alerts no lab's inventory has (by name or address), as the payload gave them. */
  unknown: string[];
}

/**
 * LAB_POLICY: each alert goes to the lab whose inventory has its instance (the first lab in the policy's order, if
 * two have it); alerts naming no known host belong to no lab. Pure: the caller posts and logs.
 */
export function alertsByLab<L extends AlertLab>(p: AlertmanagerPayload, labs: readonly L[]): AlertsByLab<L> {
  const groups = new Map<L, AlertmanagerPayload['alerts']>();
  const unknown: string[] = [];
  for (const alert of p.alerts) {
    const instance = alert.labels.instance;
    const lab = labs.find((l) => hostOfInstance(instance, l.hosts) !== undefined);
    if (!lab) {
      unknown.push(instance ?? '(no instance)');
      continue;
    }
    groups.set(lab, [...(groups.get(lab) ?? []), alert]);
  }
  return {
    labs: [...groups].map(([lab, alerts]) => ({
      lab,
      payload: {
        ...p,
        alerts,
        status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      },
    })),
    unknown,
  };
}

/** Instances as a reason line shows them: quoted, cut, at most five (they are whatever the sender put there). */
export function instancesText(instances: readonly string[]): string {
  const shown = instances.slice(0, 5).map((x) => JSON.stringify(x.slice(0, 100)));
  return shown.join(', ') + (instances.length > 5 ? ` and ${instances.length - 5} more` : '');
}
