import { join } from 'node:path';
import { type CpuProbe, type Sample, withCpu } from './cpu.js';
import { ansible, closeMasters, type PeerSetup, parallelSsh } from './peers.js';
import type { QuietGate } from './quiet.js';

export interface PeerResults {
  psshCold: Sample[];
  psshWarm: Sample[];
  ansibleCold: Sample[];
  ansibleWarm: Sample[];
  /** Warm runs of ansible with its default settings (see ansibleEnv), after one unreported run. */
  ansibleStockWarm: Sample[];
}

/**
 * parallel-ssh cold (plain ssh, a handshake a host) and warm (ControlMaster opened by a first, unreported run);
 * ansible cold (ControlPersist with an empty control dir) and warm (the masters the last cold run left).
 * Every master is asked to exit afterwards, also on failure.
 */
export async function runPeers(
  s: PeerSetup,
  reps: { cold: number; warm: number; stock: number },
  probe: CpuProbe,
  gate: QuietGate,
  log: (line: string) => void,
): Promise<PeerResults> {
  const out: PeerResults = {
    psshCold: [],
    psshWarm: [],
    ansibleCold: [],
    ansibleWarm: [],
    ansibleStockWarm: [],
  };
  const dirs: string[] = [];
  const step = async (label: string, list: Sample[], run: () => Promise<number>) => {
    await gate.wait();
    const sample = await withCpu(probe, run);
    list.push(sample);
    log(`  ${label}: ${(sample.wallMs / 1000).toFixed(2)} s`);
  };
  try {
    for (let i = 1; i <= reps.cold; i++)
      await step(`parallel-ssh cold ${i}`, out.psshCold, () => parallelSsh(s));
    const psshCp = join(s.dir, 'pssh-cp');
    dirs.push(psshCp);
    await step('parallel-ssh ControlMaster priming run', [], () => parallelSsh(s, psshCp));
    for (let i = 1; i <= reps.warm; i++)
      await step(`parallel-ssh warm ${i}`, out.psshWarm, () => parallelSsh(s, psshCp));
    await closeMasters(psshCp);

    let ansibleCp = '';
    for (let i = 1; i <= reps.cold; i++) {
      if (ansibleCp) await closeMasters(ansibleCp);
      ansibleCp = join(s.dir, `ansible-${i}-cp`);
      dirs.push(ansibleCp);
      await step(`ansible cold ${i}`, out.ansibleCold, () => ansible(s, ansibleCp));
    }
    for (let i = 1; i <= reps.warm; i++)
      await step(`ansible warm ${i}`, out.ansibleWarm, () => ansible(s, ansibleCp));
    await closeMasters(ansibleCp);

    const stockCp = join(s.dir, 'ansible-stock-cp');
    dirs.push(stockCp);
    await step('ansible stock settings, priming run', [], () => ansible(s, stockCp, false));
    for (let i = 1; i <= reps.stock; i++)
      await step(`ansible stock settings warm ${i}`, out.ansibleStockWarm, () => ansible(s, stockCp, false));
  } finally {
    for (const dir of dirs) await closeMasters(dir);
  }
  return out;
}
