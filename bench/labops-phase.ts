import type { FakeSlack } from '../test/support/fake-slack.js';
import { ackBurst, answeredHelp, answeredNtp, type NtpRun, ntpStatusRun } from './labops-measure.js';
import { type LabopsChild, startLabopsChild } from './labops-runner.js';
import type { QuietGate } from './quiet.js';

export interface Burst {
  /** ms from sending to the HTTP 200 (Bolt's ack), every request of every round. */
  acks: number[];
  /** Per round: ms until every command of the round was answered (ephemeral reply, or the summary). */
  answered: number[];
}

export interface LabopsResults {
  cold: NtpRun[];
  warm: NtpRun[];
  help: Burst;
  ntpServers: Burst;
  /** KiB, of the node process that runs labops. */
  memoryAfterWarm: ReturnType<LabopsChild['memory']>;
  memoryAfterBursts: ReturnType<LabopsChild['memory']>;
}

export interface LabopsPhaseOptions {
  fake: FakeSlack;
  env: Record<string, string>;
  logPath: string;
  hosts: number;
  /** CPU (ms) the simulated hosts used so far. */
  hostCpu: () => number;
  gate: QuietGate;
  reps: { cold: number; warm: number; burstRounds: number; concurrency: number };
  log: (line: string) => void;
}

/** Cold runs each in a fresh labops process; warm runs, memory and ack bursts in the last one. */
export async function runLabops(o: LabopsPhaseOptions): Promise<LabopsResults> {
  const cold: NtpRun[] = [];
  const warm: NtpRun[] = [];
  let child: LabopsChild | undefined;
  const show = (label: string, r: NtpRun) =>
    o.log(`  ${label}: ${(r.total / 1000).toFixed(3)} s (job started +${r.jobStarted} ms)`);
  try {
    for (let i = 1; i <= o.reps.cold; i++) {
      await child?.stop();
      child = await startLabopsChild(o.env, o.logPath);
      await o.gate.wait();
      const run = await ntpStatusRun(o.fake, child, o.hosts, o.hostCpu);
      cold.push(run);
      show(`labops cold ${i} (pid ${child.pid})`, run);
    }
    if (!child) throw new Error('bench: no cold run');
    for (let i = 1; i <= o.reps.warm; i++) {
      await o.gate.wait();
      const run = await ntpStatusRun(o.fake, child, o.hosts, o.hostCpu);
      warm.push(run);
      show(`labops warm ${i}`, run);
    }
    const memoryAfterWarm = child.memory();
    const burst = async (text: string, answered: typeof answeredHelp): Promise<Burst> => {
      const out: Burst = { acks: [], answered: [] };
      for (let i = 0; i < o.reps.burstRounds; i++) {
        await o.gate.wait();
        const r = await ackBurst(o.fake, child as LabopsChild, text, o.reps.concurrency, answered);
        out.acks.push(...r.acks);
        out.answered.push(r.allAnswered);
      }
      o.log(`  ${o.reps.burstRounds} x ${o.reps.concurrency} concurrent "/lab ${text}": done`);
      return out;
    };
    const help = await burst('help', answeredHelp);
    const ntpServers = await burst('ntp status ntp_servers', answeredNtp);
    return { cold, warm, help, ntpServers, memoryAfterWarm, memoryAfterBursts: child.memory() };
  } finally {
    await child?.stop();
  }
}
