import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeOffsetFile } from './chronyd.js';
import { type ControllerOptions, type LabController, setUpController } from './controller.js';
import { writeLabFiles } from './files.js';
import { planHosts, UNSERVED_HOST } from './hosts.js';
import { checkAdminRoom, type LabNtpAdmin, startNtpAdmin } from './ntp-admin.js';
import { killSessionsUnder, type LabProcess, stopLeftovers, stopProcesses } from './processes.js';
import { checkRequirements } from './requirements.js';
import { commandLogPath } from './sshd.js';
import { assertAddressesFree, startDaemons, waitForSteadyState } from './start.js';

export interface LabOptions {
  /** Working dir for everything the lab writes (confs, keys, logs, pids), created if missing. */
  dir: string;
  /** First three octets of the loopback addresses to use, default '127.0.2'; hosts get .1, .2, ... */
  net?: string;
  /** Port every sshd listens on, default 2222. */
  sshPort?: number;
  /** Extra in-sync clients (client-extra-1..N), e.g. for benchmarks at 40 hosts; default 0. */
  extraClients?: number;
  /** More clients that, like client-drift, follow ntp-fast alone (client-drift-2, -3, ...): several drifting hosts. */
  driftClients?: number;
  /** How long to wait for every daemon to reach its steady state, default 20 000 ms. */
  readyTimeoutMs?: number;
  /**
   * Adds host `controller` (group openstack_controllers, an NTP client of ntp1/ntp2) whose HOME has a
   * keystonerc_admin pointing at `authUrl` and whose ip/ovs-vsctl are stand-ins replaying captured output.
   * Off by default, so the other tests' host counts stay as they are.
   */
  controller?: ControllerOptions;
  /**
   * Adds the hosts of /lab ntp setup and /lab host prep (adm-*, .201 and up) with their own inventory
   * (Lab.ntpAdmin.inventoryPath), so the other tests' inventory and host counts stay as they are. Default false.
   */
  ntpAdmin?: boolean;
  log?: (line: string) => void;
}

export interface LabHost {
  /** The inventory host name, e.g. 'client-drift'. */
  name: string;
  address: string;
  port: number;
  /** What the host simulates, e.g. 'in-sync', 'drift', 'bad-host-key'. */
  scenario: string;
}

/** A running simulated lab: sshds and chronyds on loopback addresses, and the files that describe them. */
export interface Lab {
  dir: string;
  /** The Ansible YAML inventory it wrote. */
  inventoryPath: string;
  /** The OpenSSH known_hosts it wrote, half of its entries hashed. */
  knownHostsPath: string;
  /** Private key (ed25519, OpenSSH format) authorised on every host. */
  keyPath: string;
  hosts: LabHost[];
  /** Changes the offset of ntp-fast while everything runs, e.g. 5 or 0 (seconds). */
  setFastServerOffset(seconds: number): Promise<void>;
  /** The file where a host records each command its sshd ran, one line each (newlines as \n). */
  commandLogPath(host: string): string;
  /** The daemons it runs, e.g. to measure their memory. */
  processes(): { name: string; pid: number }[];
  /** Kills everything it started (by PID); idempotent. */
  stop(): Promise<void>;
  /** The OpenStack controller, when LabOptions.controller asked for one. */
  controller?: LabController;
  /** The NTP administration hosts, when LabOptions.ntpAdmin asked for them. */
  ntpAdmin?: LabNtpAdmin;
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  checkRequirements();
  const net = opts.net ?? '127.0.2';
  const sshPort = opts.sshPort ?? 2222;
  const extra = opts.extraClients ?? 0;
  const drift = opts.driftClients ?? 0;
  const log = opts.log ?? (() => {});
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(net)) throw new Error(`lab: net must look like 127.0.2, got ${net}`);
  if (!Number.isInteger(extra) || extra < 0 || 12 + extra + (opts.controller ? 1 : 0) >= UNSERVED_HOST)
    throw new Error(`lab: extraClients must be 0..${UNSERVED_HOST - 13}, got ${extra}`);
  if (
    !Number.isInteger(drift) ||
    drift < 0 ||
    12 + extra + drift + (opts.controller ? 1 : 0) >= UNSERVED_HOST
  )
    throw new Error(`lab: driftClients must be 0..${UNSERVED_HOST - 13 - extra}, got ${drift}`);
  const dir = resolve(opts.dir);
  // sshd_config and chrony.conf take paths unquoted
  if (/[\s"'\\]/.test(dir)) throw new Error(`lab: dir must not contain spaces or quotes: ${dir}`);
  mkdirSync(dir, { recursive: true });
  const registryPath = join(dir, 'lab.pids');
  const stale = await stopLeftovers(registryPath, dir);
  if (stale) log(`lab: stopped ${stale} processes left by a previous lab in ${dir}`);

  const started = Date.now();
  const files = await writeLabFiles(dir, planHosts(net, extra, opts.controller !== undefined, drift), {
    net,
    sshPort,
  });
  const controllerFiles = files.hosts.find((h) => h.plan.group === 'openstack_controllers');
  const controller =
    opts.controller && controllerFiles
      ? setUpController(controllerFiles.hostDir, controllerFiles.plan.address, opts.controller)
      : undefined;
  const procs: LabProcess[] = [];
  let ntpAdmin: LabNtpAdmin | undefined;
  try {
    await assertAddressesFree(files, sshPort);
    startDaemons(files, registryPath, procs);
    await waitForSteadyState(files, procs, sshPort, opts.readyTimeoutMs ?? 20_000);
    if (opts.ntpAdmin) {
      checkAdminRoom(files.hosts.length);
      const takenCmdports = files.hosts.flatMap((h) => (h.cmdport ? [h.cmdport] : []));
      ntpAdmin = await startNtpAdmin({
        keyPath: files.keyPath,
        knownHostsPath: files.knownHostsPath,
        dir,
        net,
        sshPort,
        registryPath,
        takenCmdports,
        procs,
        timeoutMs: opts.readyTimeoutMs ?? 20_000,
      });
    }
  } catch (err) {
    await stopProcesses(procs).catch(() => {});
    throw err;
  }
  log(
    `lab: ${files.hosts.length} hosts on ${net}.x:${sshPort}, ${procs.length} daemons, ready in ${Date.now() - started} ms`,
  );

  let stopping: Promise<void> | undefined;
  const hostDirs = new Map(files.hosts.map((h) => [h.plan.name, h.hostDir]));
  return {
    dir,
    inventoryPath: files.inventoryPath,
    knownHostsPath: files.knownHostsPath,
    keyPath: files.keyPath,
    hosts: files.hosts.map(({ plan }) => ({
      name: plan.name,
      address: plan.address,
      port: sshPort,
      scenario: plan.scenario,
    })),
    async setFastServerOffset(seconds) {
      writeOffsetFile(files.offsetPath, seconds);
    },
    commandLogPath(host) {
      const hostDir = hostDirs.get(host);
      if (!hostDir) throw new Error(`lab: no host named ${host}`);
      return commandLogPath(hostDir);
    },
    processes: () => procs.map(({ name, pid }) => ({ name, pid })),
    controller,
    ntpAdmin,
    stop() {
      stopping ??= Promise.all([stopProcesses(procs), ntpAdmin?.stop()]).then(async () => {
        const left = await killSessionsUnder(dir);
        if (left.length) log(`lab: stopped what SSH sessions left running: ${left.join('; ')}`);
        rmSync(registryPath, { force: true });
        log('lab: stopped');
      });
      return stopping;
    },
  };
}
