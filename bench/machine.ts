import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { runCommand } from './run-command.js';

export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpu: string;
  kernel: string;
  node: string;
  tools: Record<string, string>;
}

async function firstLine(command: string, args: string[]): Promise<string> {
  const r = await runCommand(command, args).catch(() => undefined);
  return (r ? `${r.stdout}${r.stderr}` : 'not found').trim().split('\n')[0] ?? '';
}

/** What the numbers were measured on. */
export async function describeMachine(): Promise<Machine> {
  const [ansible, pssh, openssh, chrony, redis] = await Promise.all([
    firstLine('ansible', ['--version']),
    firstLine('parallel-ssh', ['--version']),
    firstLine('ssh', ['-V']),
    firstLine('chronyd', ['--version']),
    firstLine('redis-server', ['--version']),
  ]);
  return {
    nproc: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    cpu: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    tools: { ansible, 'parallel-ssh': pssh, OpenSSH: openssh, chrony, redis },
  };
}
