import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chronySlowBy, chronySources } from './chronyc.js';
import { CHRONYD, chronydArgs, FAST_SERVER_OFFSET, fakeTimeEnv } from './chronyd.js';
import type { LabFiles } from './files.js';
import { tcpAccepts } from './ports.js';
import { type LabProcess, logTail, spawnLogged } from './processes.js';
import { waitUntil } from './wait.js';

/** Throws if anything already listens where the lab's sshds will: another lab on this net, most likely. */
export async function assertAddressesFree(files: LabFiles, sshPort: number): Promise<void> {
  const plans = files.hosts.map((h) => h.plan);
  const busy = await Promise.all(plans.map((p) => tcpAccepts(p.address, sshPort)));
  const taken = plans.filter((_, i) => busy[i]).map((p) => `${p.address}:${sshPort}`);
  if (taken.length)
    throw new Error(
      `lab: ${taken.join(', ')} already in use; another lab on this net? Stop it or choose another net`,
    );
}

/**
 * Starts every host's sshd and chronyd at once, pushing each onto `procs` as it starts
 * (so a failure half-way can stop the rest); named "<host>/sshd" or "<host>/chronyd".
 */
export function startDaemons(files: LabFiles, registryPath: string, procs: LabProcess[]): void {
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation dir
  for (const h of files.hosts) {
    const start = (daemon: string, command: string, args: string[], env?: NodeJS.ProcessEnv) =>
      procs.push(
        spawnLogged({
          name: `${h.plan.name}/${daemon}`,
          command,
          args,
          env,
          registryPath,
          logPath: join(h.hostDir, `${daemon}.log`),
        }),
      );
    if (h.sshdConfig) start('sshd', '/usr/sbin/sshd', ['-f', h.sshdConfig, '-D', '-e']);
    if (h.chronyConf) {
      const fast = h.plan.chrony?.role === 'server' && h.plan.chrony.fast;
      start('chronyd', CHRONYD, chronydArgs(h.chronyConf), fast ? fakeTimeEnv(files.offsetPath) : undefined);
    }
  }
}

/**
 * Waits until every sshd accepts TCP, then freezes the silent one, then until every in-sync
 * client and client-drift is in the state its scenario promises.
 */
export async function waitForSteadyState(
  files: LabFiles,
  procs: LabProcess[],
  sshPort: number,
  timeoutMs: number,
): Promise<void> {
  let gaveUp = false;
  const died = () => {
    if (gaveUp) return 'another wait failed';
    const dead = procs.find((p) => !p.alive());
    return dead && `${dead.name} exited: ${logTail(dead.logPath) || 'no output'}`;
  };
  // the first failure ends the other waits too, so none keeps polling a stopped lab
  const all = (waits: Promise<void>[]) =>
    Promise.all(waits).catch((err: unknown) => {
      gaveUp = true;
      throw err;
    });
  const timing = { timeoutMs, failed: died };
  const withSshd = files.hosts.filter((h) => h.sshdConfig);
  await all(
    withSshd.map((h) =>
      waitUntil(`${h.plan.name} sshd`, () => tcpAccepts(h.plan.address, sshPort), {
        ...timing,
        intervalMs: 20,
      }),
    ),
  );
  // the kernel still completes TCP handshakes for it, but no banner ever comes
  for (const h of withSshd.filter((h) => h.plan.sshd === 'silent')) {
    const proc = procs.find((p) => p.name === `${h.plan.name}/sshd`);
    if (proc) process.kill(proc.pid, 'SIGSTOP');
  }
  const fast = files.hosts.find((h) => h.plan.chrony?.role === 'server' && h.plan.chrony.fast)?.plan.address;
  await all(
    files.hosts.flatMap((h) => {
      const check = steadyCheck(h.plan.scenario, fast);
      const port = h.cmdport;
      if (!check || !port) return [];
      const ready = async () => check(await chronySources(port), await chronySlowBy(port));
      return [
        waitUntil(`${h.plan.name} chronyd reaching its steady state`, ready, { ...timing, intervalMs: 200 }),
      ];
    }),
  );
  const reason = died();
  if (reason) throw new Error(`lab: ${reason}`);
}

type Sources = [state: string, address: string][];

/**
 * What tests may take for granted once startLab returns. An in-sync client can first pick
 * ntp-fast (its reply came first), so selection alone is not enough: the fast one must be
 * marked x and the clock estimate back near zero.
 */
function steadyCheck(scenario: string, fast: string | undefined) {
  if (scenario === 'in-sync')
    return (sources: Sources, slowBy = Number.NaN) =>
      sources.some(([state, address]) => state === '*' && address !== fast) &&
      sources.every(([state, address]) => (address === fast ? state === 'x' : '*+-'.includes(state))) &&
      Math.abs(slowBy) < 0.01;
  if (scenario === 'drift')
    return (sources: Sources, slowBy = Number.NaN) =>
      sources.some(([state]) => state === '*') && Math.abs(slowBy - FAST_SERVER_OFFSET) < 0.01;
  return undefined;
}
