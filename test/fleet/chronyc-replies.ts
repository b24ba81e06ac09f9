import { captureSections } from '../support/capture-sections.js';
import type { HostState } from './fleet-plan.js';

/** What one simulated host prints for a command, how it exits. */
export interface Reply {
  stdout: string;
  exitCode: number;
}

const capture = (name: string) => captureSections(new URL(`../fixtures/chrony/${name}.txt`, import.meta.url));

// The captures in test/fixtures/chrony (copies of ../shared/samples/chrony) hold each chronyc command's own output;
// `chronyc -m tracking sources` prints the tracking report, then the sources table, in one process.
function chronycOutput(name: string): { text: string; exit: number } {
  const s = capture(name);
  const tracking = s.get('chronyc tracking');
  if (tracking === undefined) throw new Error(`fleet: no "chronyc tracking" in ${name}.txt`);
  const sources = s.get('chronyc sources');
  // no daemon: chronyc stops at the first command, with exit status 1
  if (sources === undefined) return { text: tracking, exit: 1 };
  return { text: tracking + sources, exit: 0 };
}

const SAMPLE_OF: Record<HostState, string> = {
  sync: 'sync',
  drift: 'drift',
  unsync: 'unsync',
  'daemon-down': 'daemon-down',
};

/** The exact stdout of labops' status command (markers included) for each state, built once. */
export function statusReplies(marker: string): Record<HostState, Reply> {
  const out = {} as Record<HostState, Reply>;
  for (const [state, sample] of Object.entries(SAMPLE_OF) as Array<[HostState, string]>) {
    const { text, exit } = chronycOutput(sample);
    out[state] = {
      stdout: `${marker} begin chronyc\n${text}${marker} end chronyc exit=${exit}\n`,
      exitCode: 0,
    };
  }
  return out;
}
