import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { NodeSSH } from 'node-ssh';
import type { LabHost } from '../test/lab/index.js';
import { type CpuProbe, type Sample, withCpu } from './cpu.js';
import type { QuietGate } from './quiet.js';

/** The server-side floor: 40 execs on SSH connections that are already open, no queue, no Slack. */
export interface Floor {
  /** Opening and authenticating every connection at once. */
  connectAll: Sample;
  /** One exec of each command on every host at once, per repetition. */
  execAll: Record<string, Sample[]>;
}

function open(host: LabHost, labDir: string, key: string): Promise<NodeSSH> {
  const pub = readFileSync(join(labDir, 'hosts', host.name, 'ssh_host_ed25519_key.pub'), 'utf8').split(
    ' ',
  )[1];
  const expected = Buffer.from(pub ?? '', 'base64');
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: host.address, port: host.port }, () => {
      sock.setNoDelay(true); // as labops does: without it each exec waits for a delayed ACK
      new NodeSSH()
        .connect({
          sock,
          username: 'root',
          privateKey: key,
          algorithms: { serverHostKey: ['ssh-ed25519'] },
          hostVerifier: (presented: Buffer) => presented.equals(expected),
        })
        .then(resolve, reject);
    });
    sock.once('error', reject);
  });
}

/** Opens one connection a host, then runs each command on all of them at once, `reps` times. */
export async function measureFloor(
  hosts: LabHost[],
  labDir: string,
  keyPath: string,
  commands: Record<string, string>,
  reps: number,
  probe: CpuProbe,
  gate: QuietGate,
): Promise<Floor> {
  const key = readFileSync(keyPath, 'utf8');
  let conns: NodeSSH[] = [];
  await gate.wait();
  const connectAll = await withCpu(probe, async () => {
    const start = performance.now();
    conns = await Promise.all(hosts.map((h) => open(h, labDir, key)));
    return performance.now() - start;
  });
  const execAll: Record<string, Sample[]> = {};
  try {
    for (const [label, command] of Object.entries(commands)) {
      const samples: Sample[] = [];
      execAll[label] = samples;
      for (let i = 0; i < reps; i++) {
        await gate.wait();
        const sample = await withCpu(probe, async () => {
          const t = performance.now();
          const results = await Promise.all(conns.map((c) => c.execCommand(command)));
          const failed = results.filter((r) => r.code !== 0).length;
          if (failed) throw new Error(`bench floor: ${failed} hosts failed "${label}"`);
          return performance.now() - t;
        });
        samples.push(sample);
      }
    }
  } finally {
    for (const c of conns) c.dispose();
  }
  return { connectAll, execAll };
}
