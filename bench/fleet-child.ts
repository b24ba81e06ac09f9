// A simulated fleet in a child process, so that a bench can tell its CPU apart from labops': the bench runs its own
// file again with `fleet` as the first argument (serveFleet there), and spawnFleetChild resolves once the child says
// where the fleet's inventory and known_hosts are.
import { type ChildProcess, spawn } from 'node:child_process';
import { ensureFdLimit } from '../test/fleet/fd-limit.js';
import { type FleetOptions, startFleet } from '../test/fleet/index.js';

export interface FleetChild {
  child: ChildProcess;
  inventory: string;
  knownHosts: string;
}

/** Runs `script fleet ...args` in a child node (with this process's loader flags); resolves once its fleet listens. */
export function spawnFleetChild(script: string, args: string[] = []): Promise<FleetChild> {
  const child = spawn(process.execPath, [...process.execArgv, script, 'fleet', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`the fleet exited (${code})`)));
    child.stdout?.on('data', (b: Buffer) => {
      const m = /^ready (\S+) (\S+)/m.exec(b.toString());
      if (m?.[1] && m[2]) ok({ child, inventory: m[1], knownHosts: m[2] });
    });
  });
}

/** In the child: starts the fleet, says where its files are, and stops it on SIGTERM. */
export async function serveFleet(o: FleetOptions): Promise<void> {
  ensureFdLimit(2 * o.count + 100);
  const fleet = await startFleet(o);
  process.stdout.write(`ready ${fleet.inventoryPath} ${fleet.knownHostsPath}\n`);
  process.once('SIGTERM', () => void fleet.stop().finally(() => process.exit(0)));
}
