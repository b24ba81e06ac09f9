import { labopsSamples } from './report-breakdown.js';
import type { ReportInput } from './report-input.js';
import { median, ms } from './stats.js';

const wall = (samples: { wallMs: number }[] | undefined) => median((samples ?? []).map((s) => s.wallMs));

/** What the 30× target leaves for a run, and whether anything inside labops could reach it on this machine. */
export function verdictNotes(r: ReportInput): string[] {
  const labops = wall(labopsSamples(r.labops.warm));
  const budget = wall(r.peers.ansibleWarm) / 30;
  const floor = wall(r.floor.execAll.labops);
  const one = wall(r.floor.execAll.oneChronyc);
  const empty = wall(r.floor.execAll.true);
  const hostsCpu = median(r.labops.warm.map((x) => x.cpu.hostCpuMs));
  const labopsCpu = median(r.labops.warm.map((x) => x.cpu.toolCpuMs));
  if (labops <= budget && (r.peers.ansibleWarm ?? []).length > 0) {
    const runs = labopsSamples(r.labops.warm).map((s) => s.wallMs);
    const ansible = (r.peers.ansibleWarm ?? []).map((s) => s.wallMs);
    const over = runs.filter((w) => w > budget).length;
    const worst = Math.min(...ansible) / Math.max(...runs);
    const best = Math.max(...ansible) / Math.min(...runs);
    return [
      `The 30× budget is ${ms(budget)}; labops' warm median (${ms(labops)}) is within it` +
        (over
          ? `, but ${over} of ${runs.length} warm runs were over it: the margin is within this machine's run-to-run ` +
            `noise (slowest labops run against the fastest ansible run: ${worst.toFixed(1)}×; fastest against slowest: ${best.toFixed(1)}×).`
          : ` in every warm run (slowest labops run against the fastest ansible run: ${worst.toFixed(1)}×).`),
    ];
  }
  const floorOver = floor > budget;
  const busy = median(r.labops.warm.map((x) => (x.cpu.toolCpuMs + x.cpu.hostCpuMs) / x.cpu.wallMs));
  return [
    `**What dominates.** The 30× budget is ${ms(budget)} a run. labops needs ${ms(labops)}, of which ${ms(floor)} is`,
    `the floor: the same ${r.hosts} execs of labops' command on open connections, with no queue and no Slack.`,
    `During a warm run the simulated hosts use ${ms(hostsCpu)} of CPU and labops ${ms(labopsCpu)}, on ${r.machine.nproc} cores`,
    `shared by both${busy >= 0.8 * r.machine.nproc ? ': the run is bound by the CPU, mostly what the hosts need' : ''}. labops' own overhead above the floor (bot, queue,`,
    `throttled updates, Slack round trips, rendering) is ${ms(labops - floor)}.`,
    floorOver
      ? 'The floor alone is over the budget, so no change inside the labops process can meet the target on this machine.'
      : "The floor is within the budget: labops' own overhead is what misses it.",
    `For scale: an empty command on ${r.hosts} open connections takes ${ms(empty)} here, and one chronyc process`,
    `printing both outputs labops shows (tracking report and sources table) ${ms(one)}: ${
      one >= budget
        ? 'also over the budget: on this machine no check that gathers what labops shows can reach 30×.'
        : `${ms(budget - one)} under the budget, ${budget - one < labops - floor ? "less than labops' overhead today" : "more than labops' overhead today"}.`
    }`,
  ];
}
