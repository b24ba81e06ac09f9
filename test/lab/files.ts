import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAST_SERVER_OFFSET, writeChronyConf, writeOffsetFile } from './chronyd.js';
import type { HostPlan } from './hosts.js';
import { inventoryText } from './inventory-file.js';
import { ensureKeyPair, publicKey } from './keys.js';
import { knownHostsText } from './known-hosts.js';
import { freeCmdPorts } from './ports.js';
import { writeChronycWrapper, writeRecorder, writeRefusingSystemctl, writeSshdFiles } from './sshd.js';

/** Where one host's files are, and what must run for it. */
export interface HostFiles {
  plan: HostPlan;
  hostDir: string;
  sshdConfig?: string;
  chronyConf?: string;
  cmdport?: number;
}

export interface LabFiles {
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  offsetPath: string;
  hosts: HostFiles[];
}

/** Writes every key, config, inventory and known_hosts the lab needs; starts nothing. */
export async function writeLabFiles(
  dir: string,
  plans: HostPlan[],
  o: { net: string; sshPort: number },
): Promise<LabFiles> {
  for (const sub of ['keys', 'bin']) mkdirSync(join(dir, sub), { recursive: true });
  const hostDir = (p: HostPlan) => join(dir, 'hosts', p.name);
  for (const p of plans) mkdirSync(join(hostDir(p), 'bin'), { recursive: true });
  const [keyPath, unauthorisedKeyPath, impostorKeyPath] = await Promise.all([
    ensureKeyPair(join(dir, 'keys', 'lab_ed25519'), 'labops lab'),
    ensureKeyPair(join(dir, 'keys', 'unauthorised_ed25519'), 'labops lab: not authorised anywhere'),
    ensureKeyPair(join(dir, 'keys', 'impostor_host_ed25519'), 'labops lab: listed for client-badkey'),
    ...plans.map((p) => ensureKeyPair(join(hostDir(p), 'ssh_host_ed25519_key'), p.name)),
  ]);
  if (!keyPath || !unauthorisedKeyPath || !impostorKeyPath) throw new Error('lab: key generation failed');

  const authorizedKeysPath = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysPath, `${publicKey(keyPath)} labops lab\n`);
  const recorderPath = join(dir, 'bin', 'record-and-run');
  writeRecorder(recorderPath);
  const offsetPath = join(dir, 'fast-server.offset');
  writeOffsetFile(offsetPath, FAST_SERVER_OFFSET);

  const withChronyc = plans.filter((p) => p.chronyc);
  const cmdports = await freeCmdPorts(o.net, withChronyc.length);
  const ports = new Map(withChronyc.map((p, i) => [p.name, cmdports[i]]));
  const addressOf = new Map(plans.map((p) => [p.name, p.address]));

  const hosts = plans.map((plan): HostFiles => {
    const h: HostFiles = { plan, hostDir: hostDir(plan), cmdport: ports.get(plan.name) };
    if (h.cmdport) writeChronycWrapper(h.hostDir, h.cmdport);
    writeRefusingSystemctl(h.hostDir);
    if (plan.sshd !== 'none') {
      // no chronyc on PATH at all, yet bash and its builtins still work
      const path = plan.chronyc ? `${h.hostDir}/bin:/usr/bin:/bin` : `${h.hostDir}/bin:/nonexistent`;
      h.sshdConfig = writeSshdFiles({
        hostDir: h.hostDir,
        address: plan.address,
        port: o.sshPort,
        hostKeyPath: join(h.hostDir, 'ssh_host_ed25519_key'),
        authorizedKeysPath,
        recorderPath,
        path,
      });
    }
    if (plan.chrony && h.cmdport) {
      const role =
        plan.chrony.role === 'server'
          ? ({ role: 'server', address: plan.address } as const)
          : ({
              role: 'client',
              serverAddresses: plan.chrony.servers.map((s) => addressOf.get(s) ?? s),
            } as const);
      h.chronyConf = writeChronyConf(h.hostDir, h.cmdport, role);
    }
    return h;
  });

  const inventoryPath = join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    inventoryText(plans, {
      sshPort: o.sshPort,
      keyPath,
      unauthorisedKeyPath,
      chronyConfOf: (name) => join(dir, 'hosts', name, 'chrony.conf'),
    }),
  );
  const knownHostsPath = join(dir, 'known_hosts');
  const entries = plans.map((p, i) => ({
    address: p.address,
    port: o.sshPort,
    key: publicKey(p.knownKey === 'real' ? join(hostDir(p), 'ssh_host_ed25519_key') : impostorKeyPath),
    // every other entry hashed, as `ssh-keygen -H` would, so labops must read both forms
    hashed: i % 2 === 0,
  }));
  writeFileSync(knownHostsPath, knownHostsText(entries));
  return { inventoryPath, knownHostsPath, keyPath, offsetPath, hosts };
}
