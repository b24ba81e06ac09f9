/** What a simulated host's chronyd reports (labops' four answers to `/lab ntp status`). */
export type HostState = 'sync' | 'drift' | 'unsync' | 'daemon-down';
/** How a simulated host's SSH side behaves. */
export type HostBehaviour = 'answers' | 'slow' | 'refused' | 'wrong-key';

export interface FleetHost {
  index: number;
  name: string;
  address: string;
  state: HostState;
  behaviour: HostBehaviour;
}

/** Shares out of every 100 hosts; each table must add up to 100. */
export interface FleetMix {
  states: Record<HostState, number>;
  behaviours: Record<HostBehaviour, number>;
}

/** Most hosts fine, a few of every kind of trouble: every state and behaviour shows from 100 hosts on. */
export const DEFAULT_MIX: FleetMix = {
  states: { sync: 85, drift: 7, unsync: 4, 'daemon-down': 4 },
  behaviours: { answers: 92, slow: 3, refused: 3, 'wrong-key': 2 },
};

/** A fleet where every host answers in sync: for tests that need one kind of host only. */
export const ALL_ANSWERING: FleetMix = {
  states: { sync: 100, drift: 0, unsync: 0, 'daemon-down': 0 },
  behaviours: { answers: 100, slow: 0, refused: 0, 'wrong-key': 0 },
};

function checkShares(table: Record<string, number>, what: string): void {
  const sum = Object.values(table).reduce((a, b) => a + b, 0);
  if (sum !== 100 || Object.values(table).some((v) => !Number.isInteger(v) || v < 0))
    throw new Error(`fleet: the ${what} shares must be whole numbers adding up to 100 (got ${sum})`);
}

/**
 * Spreads the shares over the 100 slots of a cycle so each kind is spaced out, not bunched: host i takes slot
 * i % 100 of each table, with the tables offset from each other so trouble does not always land on one state.
 */
function slots<K extends string>(table: Record<K, number>): K[] {
  const out: K[] = [];
  const kinds = (Object.entries(table) as Array<[K, number]>).filter(([, n]) => n > 0);
  // largest remainder spacing: kind k is due at slot s when its running quota crosses an integer
  const due = kinds.map(() => 0);
  for (let s = 0; s < 100; s++) {
    let best = 0;
    kinds.forEach(([, n], k) => {
      due[k] = (due[k] ?? 0) + n;
      if ((due[k] ?? 0) > (due[best] ?? 0)) best = k;
    });
    due[best] = (due[best] ?? 0) - 100;
    out.push((kinds[best] as [K, number])[0]);
  }
  return out;
}

/** 127.<first>.x.y for host i, skipping .0 and .255 in the last octet. */
export function hostAddress(firstOctets: string, i: number): string {
  const [a, b] = firstOctets.split('.').map(Number) as [number, number];
  const perB = 254 * 256;
  const bOffset = Math.floor(i / perB);
  const c = Math.floor((i % perB) / 254);
  const d = (i % 254) + 1;
  return `${a}.${b + bOffset}.${c}.${d}`;
}

/** The fleet's hosts: host-00001.. on consecutive loopback addresses from `net` ("127.64"), in fixed proportions. */
export function planFleet(count: number, net: string, mix: FleetMix = DEFAULT_MIX): FleetHost[] {
  checkShares(mix.states, 'state');
  checkShares(mix.behaviours, 'behaviour');
  if (!/^127\.\d{1,3}$/.test(net)) throw new Error(`fleet: net must look like "127.64", got "${net}"`);
  const states = slots(mix.states);
  const behaviours = slots(mix.behaviours);
  const width = Math.max(5, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    index: i,
    name: `host-${String(i + 1).padStart(width, '0')}`,
    address: hostAddress(net, i),
    state: states[(i * 7) % 100] as HostState,
    behaviour: behaviours[i % 100] as HostBehaviour,
  }));
}
