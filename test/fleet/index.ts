import ssh2, { type ParsedKey, type Server, type ServerConnection } from 'ssh2';
import { ensureFdLimit } from './fd-limit.js';
import { type FleetFiles, writeFleetFiles } from './fleet-files.js';
import { DEFAULT_MIX, type FleetHost, type FleetMix, planFleet } from './fleet-plan.js';
import { clientKeyOf, type FleetCounters, hostKeyOf, startHostServer } from './fleet-server.js';

export { ALL_ANSWERING, DEFAULT_MIX, type FleetHost, type FleetMix } from './fleet-plan.js';

export interface FleetOptions {
  count: number;
  /** Where the inventory, known_hosts and client key go. */
  dir: string;
  /** First two octets of the hosts' addresses: "127.64" gives 127.64.0.1, 127.64.0.2, ... */
  net: string;
  port?: number;
  mix?: FleetMix;
  /** How long a slow host takes to answer a command; default 1500 ms. */
  slowMs?: number;
  /**
   * Distinct host keys: 0 (the default) gives every host its own ed25519 key (0.2 ms each here, 1 s for 5000);
   * a smaller pool is shared round-robin.
   */
  keyPool?: number;
  /** Every host refuses labops' status loop (as a command-restricting ForceCommand would): plain exec only. */
  refuseLoops?: boolean;
}

export interface Fleet extends FleetFiles {
  hosts: FleetHost[];
  port: number;
  counters: FleetCounters;
  /** Client connections open now. */
  openConnections(): number;
  stop(): Promise<void>;
}

/**
 * An ed25519 pair ssh2 can read back: its converter drops a leading zero byte of the key (about 1 key in 200
 * comes out "Malformed OpenSSH private key"), so such a pair is drawn again.
 */
export function newKeyPair(): { private: string; public: string } {
  for (;;) {
    const k = ssh2.utils.generateKeyPairSync('ed25519');
    if (
      !(ssh2.utils.parseKey(k.private) instanceof Error) &&
      !(ssh2.utils.parseKey(k.public) instanceof Error)
    )
      return k;
  }
}

/** Starts N simulated SSH hosts in this process and writes the files labops needs to reach them. */
export async function startFleet(o: FleetOptions): Promise<Fleet> {
  // every host listens (one descriptor) and may hold a connection (one more): raise the soft limit, or say why not
  const fds = ensureFdLimit(2 * o.count + 100);
  if (fds.warning) throw new Error(`${o.count} simulated hosts: ${fds.warning}`);
  const port = o.port ?? 2222;
  const hosts = planFleet(o.count, o.net, o.mix ?? DEFAULT_MIX);
  const poolSize = o.keyPool && o.keyPool > 0 ? Math.min(o.keyPool, o.count) : o.count;
  const keys = Array.from({ length: Math.max(poolSize, 2) }, newKeyPair);
  const keyOf = (h: FleetHost) => keys[h.index % keys.length] as { private: string; public: string };
  // a wrong-key host presents the next key in the pool: never the one its known_hosts line holds
  const presented = (h: FleetHost) =>
    h.behaviour === 'wrong-key' ? (keys[(h.index + 1) % keys.length] as { private: string }) : keyOf(h);
  const client = newKeyPair();
  const files = writeFleetFiles(o.dir, hosts, {
    port,
    clientPrivateKey: client.private,
    knownKeyOf: (h) => keyOf(h).public,
  });
  const counters: FleetCounters = {
    connections: 0,
    maxOpen: 0,
    byHost: new Map(),
    authFailures: 0,
    commands: 0,
    commandsByHost: new Map(),
    loops: 0,
    loopsRefused: 0,
    unknownCommands: 0,
    kills: 0,
    killsByHost: new Map(),
  };
  const clientKey = clientKeyOf(client.public);
  // parsed once per key: a shared pool's keys serve many hosts
  const hostKeys = new Map(keys.map((k) => [k.private, hostKeyOf(k.private)]));
  const servers: Server[] = [];
  const live = new Set<ServerConnection>();
  const stop = async () => {
    for (const c of live) c.end();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  };
  try {
    // in batches: thousands of listen() calls at once only queue up
    const listening = hosts.filter((h) => h.behaviour !== 'refused');
    for (let i = 0; i < listening.length; i += 500) {
      const batch = listening.slice(i, i + 500);
      servers.push(
        ...(await Promise.all(
          batch.map((h) =>
            startHostServer(h, {
              port,
              hostKey: hostKeys.get(presented(h).private) as ParsedKey,
              clientKey,
              slowMs: o.slowMs ?? 1500,
              counters,
              live,
              refuseLoops: o.refuseLoops,
            }),
          ),
        )),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...files, hosts, port, counters, openConnections: () => live.size, stop };
}
