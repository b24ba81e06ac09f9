import type { Sample } from './cpu.js';
import type { NtpRun } from './labops-measure.js';
import type { ReportInput } from './report-input.js';
import { median, ms } from './stats.js';

export const labopsSamples = (runs: NtpRun[]): Sample[] => runs.map((r) => r.cpu);

/** Consecutive phases of one run, in ms; they add up to the total. */
const PHASES: [label: string, of: (r: NtpRun) => number][] = [
  ['bot: request → "checking" message posted → job queued', (r) => r.jobQueued],
  ['queue: job queued → worker starts it', (r) => r.jobStarted - r.jobQueued],
  [
    'fan-out: worker starts → every host checked (first thread reply)',
    (r) => r.firstThreadReply - r.jobStarted,
  ],
  ['Slack tail: thread replies → summary `chat.update`', (r) => r.total - r.firstThreadReply],
];

const med = (runs: NtpRun[], of: (r: NtpRun) => number) => median(runs.map(of));

/** Where labops' time goes, cold and warm, against the floor. */
export function breakdownSection(r: ReportInput): string[] {
  const { cold, warm } = r.labops;
  const floor = median((r.floor.execAll.labops ?? []).map((s) => s.wallMs));
  const total = med(warm, (x) => x.total);
  const fanOut = med(warm, (x) => x.firstThreadReply - x.jobStarted);
  return [
    '### Where labops spends its time',
    '',
    'Medians; the phases add up to the total. "Job queued" and "job started" are from labops\' own log (pino',
    '`time`), the other points from when the fake Slack received the call; same clock.',
    '',
    '| phase | cold | warm |',
    '|---|---|---|',
    ...PHASES.map(([label, of]) => `| ${label} | ${ms(med(cold, of))} | ${ms(med(warm, of))} |`),
    `| **total** | **${ms(med(cold, (x) => x.total))}** | **${ms(total)}** |`,
    '',
    `Warm medians from the request: ack ${ms(med(warm, (x) => x.ack))}, "checking" message posted`,
    `${ms(med(warm, (x) => x.startMessage))}, first progress update (first host done) ${ms(med(warm, (x) => x.firstProgress))};`,
    `${med(warm, (x) => x.slackCalls)} Slack Web API calls a run.`,
    '',
    `Warm, the fan-out is ${ms(fanOut)} of ${ms(total)}. The floor for the same ${r.hosts} execs of the same command on`,
    `connections opened beforehand, without Redis or Slack, is ${ms(floor)}: labops' fan-out ${
      fanOut > floor
        ? `costs ${ms(fanOut - floor)} above it`
        : `is no slower (it came out ${ms(floor - fanOut)} below it: noise)`
    },`,
    `and everything outside the fan-out (bot, queue, Slack) takes ${ms(total - fanOut)}.`,
  ];
}

function cpuRow(label: string, samples: Sample[], nproc: number): string {
  if (samples.length === 0) return `| ${label} | – | – | – | – | – |`;
  const wall = median(samples.map((s) => s.wallMs));
  const tool = median(samples.map((s) => s.toolCpuMs));
  const hosts = median(samples.map((s) => s.hostCpuMs));
  const other = median(samples.map((s) => s.otherCpuMs));
  const busy = (tool + hosts) / wall;
  return `| ${label} | ${ms(wall)} | ${ms(tool)} | ${ms(hosts)} | ${busy.toFixed(2)} of ${nproc} | ${ms(other)} |`;
}

/** CPU per run on both sides: shows whether a run is bound by the machine's cores. */
export function cpuSection(r: ReportInput): string[] {
  const { peers, floor } = r;
  const nproc = r.machine.nproc;
  const warm = labopsSamples(r.labops.warm);
  const floorLabops = floor.execAll.labops ?? [];
  const hostsPerExec = median(floorLabops.map((s) => s.hostCpuMs)) / r.hosts;
  const busy = median(warm.map((s) => (s.toolCpuMs + s.hostCpuMs) / s.wallMs));
  const trueWall = median((floor.execAll.true ?? []).map((s) => s.wallMs));
  const peerWall = median((floor.execAll.peer ?? []).map((s) => s.wallMs));
  const labopsWall = median(floorLabops.map((s) => s.wallMs));
  const oneWall = median((floor.execAll.oneChronyc ?? []).map((s) => s.wallMs));
  return [
    '### CPU per run',
    '',
    'Medians of the CPU time used during one run (utime + stime, from /proc, 10 ms ticks). Tool: labops (its',
    'process tree) or the bench process and what it reaped (ansible, parallel-ssh and their ssh children) plus',
    'live ssh ControlMaster daemons. Hosts: every sshd and chronyd of the lab, their sessions, shells and chronyc runs.',
    "Other: the rest of the machine in the same interval (/proc/stat), e.g. other users' work; where it is large, the",
    'run competed for the cores and its wall time is inflated. Caveat for runs that open connections and keep them',
    "(labops cold, the floor's opening row): sshd's handshake CPU is credited to the lab's processes only when the",
    'connection closes (measured: 40 connections, +170 ms while connecting but +740 ms when they closed, while the',
    'whole machine was busy 520 ms), so there the hosts column is low and the other column high.',
    '',
    '| run | wall | tool CPU | hosts CPU | cores busy (tool + hosts) | other CPU on the machine |',
    '|---|---|---|---|---|---|',
    cpuRow('labops cold', labopsSamples(r.labops.cold), nproc),
    cpuRow('labops warm', warm, nproc),
    cpuRow('parallel-ssh cold', peers.psshCold, nproc),
    cpuRow('parallel-ssh warm', peers.psshWarm, nproc),
    cpuRow('ansible cold', peers.ansibleCold, nproc),
    cpuRow('ansible warm', peers.ansibleWarm, nproc),
    cpuRow("floor, labops' command", floorLabops, nproc),
    cpuRow('floor, `chronyc -c tracking`', floor.execAll.peer ?? [], nproc),
    cpuRow('floor, `true`', floor.execAll.true ?? [], nproc),
    cpuRow('floor, one chronyc for tracking + sources', floor.execAll.oneChronyc ?? [], nproc),
    cpuRow('floor, opening all connections', [floor.connectAll], nproc),
    '',
    `A warm labops run keeps ${busy.toFixed(2)} of the ${nproc} cores busy${busy >= 0.8 * nproc ? ": it is bound by the machine's CPUs" : ''},`,
    `and most of that CPU is the hosts' (about ${ms(hostsPerExec)} a host for labops' command: an SSH session, the`,
    "lab's command-recording wrapper, a shell and one chronyc that prints the tracking report and the sources table).",
    `On open connections an empty command (\`true\`) on ${r.hosts} hosts takes ${ms(trueWall)}, \`chronyc -c tracking\` ${ms(peerWall)},`,
    `labops' command ${ms(labopsWall)}; a bare chronyc reading \`tracking\` and \`sources\` from stdin ${ms(oneWall)}.`,
  ];
}
