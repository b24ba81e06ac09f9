import type { Sample } from './cpu.js';
import type { LabopsResults } from './labops-phase.js';
import { PEER_COMMAND } from './peers.js';
import { breakdownSection, cpuSection, labopsSamples } from './report-breakdown.js';
import type { ReportInput } from './report-input.js';
import { methodSection } from './report-method.js';
import { verdictNotes } from './report-verdict.js';
import { median, ms, percentile, spread } from './stats.js';

const walls = (samples: Sample[]) => samples.map((s) => s.wallMs);
/** "269 ms (260 ms–290 ms)": median (min–max) of the wall times. */
export function cell(samples: Sample[]): string {
  if (samples.length === 0) return '–';
  const s = spread(walls(samples));
  return `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
}
export const medianWall = (samples: Sample[]) => median(walls(samples));

function targets(r: ReportInput): string[] {
  const labops = medianWall(labopsSamples(r.labops.warm));
  const ansible = medianWall(r.peers.ansibleWarm);
  const stock = medianWall(r.peers.ansibleStockWarm);
  const pssh = medianWall(r.peers.psshWarm);
  const verdict = (met: boolean) => (met ? '**met**' : '**missed**');
  const times = (slow: number, fast: number) => `${(slow / fast).toFixed(slow / fast < 1.5 ? 2 : 1)}×`;
  const warmWalls = walls(labopsSamples(r.labops.warm));
  const psshWalls = walls(r.peers.psshWarm);
  // with overlapping ranges the order of the medians could flip on another run
  const overlap =
    Math.max(...warmWalls) >= Math.min(...psshWalls) && Math.min(...warmWalls) <= Math.max(...psshWalls);
  const coldLabops = medianWall(labopsSamples(r.labops.cold));
  return [
    `- **labops warm vs ansible warm: ${times(ansible, labops)} faster** (${ms(labops)} vs ${ms(ansible)}). ` +
      `Target ≥ 30×: ${verdict(ansible / labops >= 30)}.${ansible / labops >= 30 ? '' : ` 30× would need ${ms(ansible / 30)} or less.`}`,
    `- labops warm vs ansible with its stock settings, warm: ${times(stock, labops)} faster (${ms(stock)}); ` +
      'reported for context only, the target is judged against the tuned ansible above.',
    `- **labops warm vs parallel-ssh warm (ControlMaster): ` +
      `${labops < pssh ? `${times(pssh, labops)} faster` : `${times(labops, pssh)} slower`}** (${ms(labops)} vs ${ms(pssh)}). ` +
      `Target faster: ${verdict(labops < pssh)}${
        overlap
          ? ', but the two ranges overlap: on this shared machine the margin is within run-to-run noise'
          : ', every labops run beat every parallel-ssh run'
      }. Both run one chronyc a host; labops' prints the tracking report and the sources table.`,
    `- Cold: labops ${ms(coldLabops)}, parallel-ssh ${ms(medianWall(r.peers.psshCold))}, ansible ` +
      `${ms(medianWall(r.peers.ansibleCold))}: labops ${times(medianWall(r.peers.ansibleCold), coldLabops)} faster than ` +
      `ansible, ${times(medianWall(r.peers.psshCold), coldLabops)} faster than parallel-ssh.`,
  ];
}

function burstRow(label: string, b: LabopsResults['help'], concurrency: number): string {
  const answered = spread(b.answered);
  return (
    `| \`${label}\` | ${b.acks.length} (${b.answered.length} × ${concurrency}) | ${ms(percentile(b.acks, 50))} | ` +
    `${ms(percentile(b.acks, 99))} | ${ms(Math.max(...b.acks))} | ${ms(answered.median)} (${ms(answered.min)}–${ms(answered.max)}) |`
  );
}

export function renderReport(r: ReportInput): string {
  const m = r.machine;
  const { peers, floor, hosts } = r;
  const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const row = (what: string, cold: string, warm: string, runs: string) =>
    `| ${what} | ${cold} | ${warm} | ${runs} |`;
  const n = (s: Sample[]) => String(s.length);
  const floorRow = (command: string, key: string) =>
    row(
      `floor: ${hosts} execs of ${command}`,
      '',
      cell(floor.execAll[key] ?? []),
      `–, ${n(floor.execAll[key] ?? [])}`,
    );
  return [
    `## \`/lab ntp status\` on ${hosts} hosts: labops, ansible and parallel-ssh`,
    '',
    `Written by \`npm run bench\` (bench/ntp-status.ts) on ${r.date.toISOString().slice(0, 16).replace('T', ' ')} UTC; the`,
    `whole run (lab start, every tool, clean-up) took ${r.seconds.toFixed(0)} s. All numbers come from that one run; rerun to refresh.`,
    '',
    '### Machine',
    '',
    `- ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB.toFixed(1)} GiB memory, Linux ${m.kernel}, Node ${m.node}`,
    ...Object.entries(m.tools).map(([name, version]) => `- ${name}: ${version}`),
    `- Load average (1, 5, 15 min) before the run: ${load(r.load.before)}; after: ${load(r.load.after)}. Other work on`,
    '  the machine shares the CPUs with the lab and every tool measured, so compare numbers of the same run only.',
    `- Each measured run waited until the rest of the machine had used under 0.3 cores for 0.5 s: ${r.quiet.quiet} runs`,
    `  started that way, ${r.quiet.busy} after giving up waiting (10 s a run, 90 s in all). The "other CPU" column below shows what remained.`,
    `- The ${hosts} simulated hosts (one sshd and one chronyd each, on 127.0.4.x:2222) run on those same CPUs.`,
    '',
    '### Wall time',
    '',
    'Median (min–max) wall time. labops: from sending the signed slash command to the fake Slack receiving the',
    'final `chat.update` ("NTP status of …"). Peers: from spawn to exit, with the output of every host checked.',
    '',
    '| what | cold | warm | runs (cold, warm) |',
    '|---|---|---|---|',
    row(
      `labops \`/lab ntp status\` (all ${hosts} hosts)`,
      cell(labopsSamples(r.labops.cold)),
      cell(labopsSamples(r.labops.warm)),
      `${r.labops.cold.length}, ${r.labops.warm.length}`,
    ),
    row(
      `\`parallel-ssh -p ${hosts} … 'chronyc -c tracking'\``,
      cell(peers.psshCold),
      cell(peers.psshWarm),
      `${n(peers.psshCold)}, ${n(peers.psshWarm)}`,
    ),
    row(
      `\`ansible all -m command -a 'chronyc -c tracking' -f ${hosts}\`, tuned`,
      cell(peers.ansibleCold),
      cell(peers.ansibleWarm),
      `${n(peers.ansibleCold)}, ${n(peers.ansibleWarm)}`,
    ),
    row(
      'the same ansible, stock settings',
      '–',
      cell(peers.ansibleStockWarm),
      `–, ${n(peers.ansibleStockWarm)}`,
    ),
    row(
      `floor: ${hosts} execs of labops' command on open connections`,
      `${ms(floor.connectAll.wallMs)} to open all`,
      cell(floor.execAll.labops ?? []),
      `1, ${n(floor.execAll.labops ?? [])}`,
    ),
    floorRow(`\`${PEER_COMMAND}\``, 'peer'),
    floorRow('`true`', 'true'),
    floorRow('one chronyc that reads `tracking` and `sources` from stdin', 'oneChronyc'),
    '',
    '### Targets',
    '',
    ...targets(r),
    '',
    ...verdictNotes(r),
    '',
    ...breakdownSection(r),
    '',
    ...cpuSection(r),
    '',
    `### Slash-command ack latency, ${r.reps.concurrency} requests at once`,
    '',
    "Ack: from sending the signed request to labops' HTTP 200. Answered: until every request of a round had its",
    'answer in the fake Slack (the ephemeral reply for help, the summary `chat.update` for ntp status).',
    '',
    '| command | requests | ack p50 | ack p99 | ack max | all answered, per round: median (min–max) |',
    '|---|---|---|---|---|---|',
    burstRow('/lab help', r.labops.help, r.reps.concurrency),
    burstRow('/lab ntp status ntp_servers', r.labops.ntpServers, r.reps.concurrency),
    '',
    '### Memory of the labops process',
    '',
    `- VmRSS after the warm runs (${hosts} pooled SSH connections open): **${mib(r.labops.memoryAfterWarm.rssKiB)}**`,
    `- VmRSS after the ack bursts: ${mib(r.labops.memoryAfterBursts.rssKiB)}; peak (VmHWM): ${mib(r.labops.memoryAfterBursts.hwmKiB)}`,
    `- For scale: a TypeScript file that only waits, run the same way (tsx), has a VmRSS of ${mib(r.idleTsxKiB)}.`,
    '- From /proc/PID/status of the node process that runs src/cli.ts (the child of the tsx launcher).',
    `- Not counted above: the tsx launcher process itself (\`npm start\` runs one too, as does the Dockerfile's CMD),`,
    `  VmRSS ${mib(r.labops.memoryAfterBursts.launcherRssKiB)}.`,
    '',
    ...methodSection(r),
    '',
  ].join('\n');
}
