import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chronySlowBy, chronySources } from './chronyc.js';
import {
  type AdminHostFiles,
  adminInventoryText,
  adminKnownHosts,
  writeAdminHostFiles,
} from './ntp-admin-files.js';
import { ADMIN_FIRST_HOST, type AdminHostPlan, planAdminHosts } from './ntp-admin-hosts.js';
import { freeCmdPorts, tcpAccepts } from './ports.js';
import { type LabProcess, logTail, pidAlive, spawnLogged, stopProcesses } from './processes.js';
import { waitUntil } from './wait.js';

/** The NTP administration part of a lab (LabOptions.ntpAdmin): hosts for /lab ntp setup and /lab host prep. */
export interface LabNtpAdmin {
  /** An inventory of these hosts only (groups ntp_servers, ntp_clients): the default target is them alone. */
  inventoryPath: string;
  hosts: (AdminHostPlan & { port: number })[];
  /**
   * A file of the host's private /etc as labops left it, e.g. etcFile('adm-server1', '/etc/chrony.conf');
   * undefined when labops never wrote it and the lab did not put it there (then the host sees the real one).
   */
  etcFile(host: string, path: string): string | undefined;
  /** What the stand-ins were asked to change, in order ("systemctl restart chronyd", "setenforce 0", ...). */
  changes(host: string): string[];
  /** A stand-in state file: firewalld.runtime, firewalld.permanent, selinux, chronyd.enabled, chronyd.pid, ... */
  stateFile(host: string, name: string): string;
  /** The host's running chronyd, if any. */
  chronydPid(host: string): number | undefined;
  /** [state, address] of each source of the host's chronyd, e.g. ['*', '127.0.7.201']. */
  sources(host: string): Promise<[string, string][]>;
  /** The file where the host records each command its sshd ran. */
  commandLogPath(host: string): string;
  /** Stops the chronyds the systemctl stand-ins started (the sshds are in the lab's own process list). */
  stop(): Promise<void>;
}

const cmdlineOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** The chronyds the stand-ins started that still run (the registry has each; its state dir is in its command line). */
function liveChronyds(files: AdminHostFiles[], registryPath: string) {
  const lines = existsSync(registryPath) ? readFileSync(registryPath, 'utf8').split('\n') : [];
  return lines.flatMap((line) => {
    const [pid = '', name = ''] = line.split(' ');
    const f = files.find((h) => name === `${h.plan.name}/chronyd`);
    if (!f || !/^\d+$/.test(pid) || !cmdlineOf(Number(pid)).includes(`${f.stateDir}/`)) return [];
    return [{ pid: Number(pid), name, alive: () => pidAlive(Number(pid)) }];
  });
}

/**
 * Writes and starts the admin hosts: each sshd in a private mount namespace whose /etc is an overlay (upper dir in
 * the host's dir), so the real machine's /etc is never touched while labops edits /etc/chrony.conf there.
 * `takenCmdports` are the chronyd command ports the rest of the lab already uses.
 */
export async function startNtpAdmin(o: {
  dir: string;
  net: string;
  sshPort: number;
  keyPath: string;
  knownHostsPath: string;
  registryPath: string;
  takenCmdports: number[];
  procs: LabProcess[];
  timeoutMs: number;
}): Promise<LabNtpAdmin> {
  const plans = planAdminHosts(o.net);
  const ports = (await freeCmdPorts(o.net, o.takenCmdports.length + plans.length)).filter(
    (p) => !o.takenCmdports.includes(p),
  );
  const unserved = `${o.net}.250`;
  const files = await Promise.all(
    plans.map((plan, i) => writeAdminHostFiles(plan, { ...o, cmdport: ports[i] ?? 0, unserved })),
  );
  const inventoryPath = join(o.dir, 'inventory-admin.yml');
  writeFileSync(inventoryPath, adminInventoryText(plans, o));
  appendFileSync(o.knownHostsPath, adminKnownHosts(files, o.sshPort));

  const byName = new Map(files.map((f) => [f.plan.name, f]));
  const get = (host: string) => {
    const f = byName.get(host);
    if (!f) throw new Error(`lab: no admin host named ${host}`);
    return f;
  };
  const stopChronyds = () => stopProcesses(liveChronyds(files, o.registryPath));
  try {
    for (const f of files) {
      if (!f.namespaceScript) continue;
      o.procs.push(
        spawnLogged({
          name: `${f.plan.name}/sshd`,
          command: '/usr/bin/unshare',
          args: ['--mount', '--propagation', 'private', '/bin/sh', '-c', f.namespaceScript],
          registryPath: o.registryPath,
          logPath: join(f.hostDir, 'sshd.log'),
        }),
      );
    }
    const failed = () => {
      const dead = o.procs.find((p) => p.name.startsWith('adm-') && !p.alive());
      return dead && `${dead.name} exited: ${logTail(dead.logPath) || 'no output'}`;
    };
    await Promise.all(
      files.flatMap((f) => {
        if (!f.namespaceScript) return [];
        const waits = [
          waitUntil(`${f.plan.name} sshd`, () => tcpAccepts(f.plan.address, o.sshPort), {
            timeoutMs: o.timeoutMs,
            intervalMs: 20,
            failed,
          }),
        ];
        if (f.plan.chronyd === 'running') {
          const answers = async () => (await chronySlowBy(f.cmdport)) !== undefined;
          waits.push(waitUntil(`${f.plan.name} chronyd`, answers, { timeoutMs: o.timeoutMs, failed }));
        }
        return waits;
      }),
    );
  } catch (err) {
    await stopChronyds().catch(() => {});
    throw err;
  }

  return {
    inventoryPath,
    hosts: plans.map((p) => ({ ...p, port: o.sshPort })),
    etcFile(host, path) {
      const file = join(get(host).etcDir, path.replace(/^\/etc\//, ''));
      return existsSync(file) ? file : undefined;
    },
    changes: (host) => readFileSync(get(host).changesLog, 'utf8').split('\n').filter(Boolean),
    stateFile: (host, name) => join(get(host).stateDir, name),
    chronydPid(host) {
      const pidFile = join(get(host).stateDir, 'chronyd.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : Number.NaN;
      return Number.isInteger(pid) && pidAlive(pid) ? pid : undefined;
    },
    sources: (host) => chronySources(get(host).cmdport),
    commandLogPath: (host) => join(get(host).hostDir, 'commands.log'),
    stop: stopChronyds,
  };
}

/** Throws when the fixed and extra hosts would reach the admin hosts' addresses. */
export function checkAdminRoom(hostCount: number): void {
  if (hostCount >= ADMIN_FIRST_HOST)
    throw new Error(
      `lab: ntpAdmin needs .${ADMIN_FIRST_HOST} and up free; the other hosts go up to .${hostCount}`,
    );
}
