import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { CEPH_RECORD } from './ceph-observe.js';
import type { HostRecord, WatchState } from './watch-state.js';
import type { LastCheck, Pause, WatchStore } from './watch-store.js';

export interface MetricsSources {
  /** The hosts the watch checks. */
  hosts(): string[];
  store: Pick<WatchStore, 'load' | 'lastCheck' | 'counters' | 'paused'>;
  /** The Ceph watch's store, when there is one: cluster health and each monitor's skew. */
  cephStore?: Pick<WatchStore, 'load'>;
  /** Queues whose job counts are exported (the command queue and the watch's). */
  queues: ReadonlyArray<{ name: string; getJobCounts(...types: string[]): Promise<Record<string, number>> }>;
  /** The process's own metrics (memory, CPU, event loop); false in a lab's registry when there are several. */
  processMetrics?: boolean;
}

interface Snapshot {
  records: HostRecord[];
  ceph?: HostRecord;
  lastCheck?: LastCheck;
  paused?: Pause;
  counters: Record<string, number>;
  jobs: { queue: string; counts: Record<string, number> }[];
}

const STATES: readonly WatchState[] = ['ok', 'warning', 'critical', 'unsynchronised', 'unreachable'];
const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized'];

/**
 * Prometheus metrics, read from Redis at scrape time: every process sees the same numbers, whichever worker
 * ran the checks. One read per scrape, shared by all metrics.
 */
export function createWatchMetrics(src: MetricsSources): Registry {
  const registry = new Registry();
  if (src.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'labops_' });
  let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > 500) cached = { at: Date.now(), snapshot: read(src) };
    return cached.snapshot;
  };
  const registers = [registry];

  new Gauge({
    name: 'labops_ntp_offset_seconds',
    help: 'Clock offset at the last check (chronyc tracking system time; positive = the host is slow)',
    labelNames: ['host'],
    registers,
    async collect() {
      this.reset();
      for (const r of (await snapshot()).records)
        if (r.last?.offsetSeconds !== undefined) this.set({ host: r.host }, r.last.offsetSeconds);
    },
  });
  new Gauge({
    name: 'labops_ntp_state',
    help: 'Announced clock state per host: 1 for the current state, 0 for the others',
    labelNames: ['host', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const r of (await snapshot()).records)
        for (const state of STATES) this.set({ host: r.host, state }, r.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'labops_ntp_flapping',
    help: '1 while a host flaps (its changes are summarised, not announced)',
    labelNames: ['host'],
    registers,
    async collect() {
      this.reset();
      for (const r of (await snapshot()).records) this.set({ host: r.host }, r.flapping ? 1 : 0);
    },
  });
  new Gauge({
    name: 'labops_ntp_last_check_timestamp_seconds',
    help: 'When each host was last checked (Unix time)',
    labelNames: ['host'],
    registers,
    async collect() {
      this.reset();
      for (const r of (await snapshot()).records) if (r.last) this.set({ host: r.host }, r.last.at / 1000);
    },
  });
  new Gauge({
    name: 'labops_drift_watch_paused',
    help: '1 while an admin has paused the clock-drift watch',
    registers,
    async collect() {
      this.set((await snapshot()).paused ? 1 : 0);
    },
  });
  new Gauge({
    name: 'labops_drift_last_check_duration_seconds',
    help: 'How long the last check of all hosts took',
    registers,
    async collect() {
      const last = (await snapshot()).lastCheck;
      if (last) this.set(last.durationMs / 1000);
    },
  });
  counter('labops_drift_checks_total', 'Checks of all hosts run', (c) => c.checks, registers, snapshot);
  counter(
    'labops_drift_host_checks_total',
    'Single host checks run',
    (c) => c.hostChecks,
    registers,
    snapshot,
  );
  counter(
    'labops_drift_delivery_failures_total',
    'Announcements Slack did not take (retried at the next check)',
    (c) => c.deliveryFailures,
    registers,
    snapshot,
  );
  new Counter({
    name: 'labops_drift_skipped_total',
    help: 'Ticks that did not check: paused, or the previous check still running',
    labelNames: ['reason'],
    registers,
    async collect() {
      const { counters } = await snapshot();
      this.reset();
      this.inc({ reason: 'paused' }, counters.skippedPaused ?? 0);
      this.inc({ reason: 'busy' }, counters.skippedBusy ?? 0);
    },
  });
  new Counter({
    name: 'labops_drift_announcements_total',
    help: 'Announcements posted, by kind (alert, change, recovery, flapping, settled)',
    labelNames: ['kind'],
    registers,
    async collect() {
      const { counters } = await snapshot();
      this.reset();
      for (const kind of ['alert', 'change', 'recovery', 'flapping', 'settled'])
        this.inc({ kind }, counters[`announced.${kind}`] ?? 0);
    },
  });
  new Gauge({
    name: 'labops_ceph_health',
    help: "The Ceph cluster's health at the watch's last check: 0 HEALTH_OK, 1 HEALTH_WARN, 2 HEALTH_ERR",
    registers,
    async collect() {
      this.reset();
      const health = (await snapshot()).ceph?.last?.ceph?.health;
      if (health) this.set(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR'].indexOf(health));
    },
  });
  new Gauge({
    name: 'labops_ceph_mon_skew_seconds',
    help: "Each Ceph monitor's clock skew against the leader at the watch's last check (ceph time-sync-status)",
    labelNames: ['mon'],
    registers,
    async collect() {
      this.reset();
      for (const [mon, skew] of Object.entries((await snapshot()).ceph?.last?.ceph?.skews ?? {}))
        this.set({ mon }, skew);
    },
  });
  new Gauge({
    name: 'labops_jobs',
    help: 'Jobs per queue and state (BullMQ)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const { queue, counts } of (await snapshot()).jobs)
        for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
  return registry;
}

function counter(
  name: string,
  help: string,
  pick: (c: Record<string, number>) => number | undefined,
  registers: Registry[],
  snapshot: () => Promise<Snapshot>,
): void {
  new Counter({
    name,
    help,
    registers,
    async collect() {
      this.reset();
      this.inc(pick((await snapshot()).counters) ?? 0);
    },
  });
}

async function read(src: MetricsSources): Promise<Snapshot> {
  const [loaded, lastCheck, paused, counters, jobs, ceph] = await Promise.all([
    src.store.load(src.hosts()),
    src.store.lastCheck(),
    src.store.paused(),
    src.store.counters(),
    Promise.all(
      src.queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...JOB_STATES) })),
    ),
    src.cephStore?.load([CEPH_RECORD]),
  ]);
  const records = [...loaded.values()].flatMap((v) => (v.record ? [v.record] : []));
  return { records, lastCheck, paused, counters, jobs, ceph: ceph?.get(CEPH_RECORD)?.record };
}

/** The process's metrics and the job counts of shared queues, for a labops whose labs each have a registry. */
export function createProcessMetrics(queues: MetricsSources['queues']): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'labops_' });
  new Gauge({
    name: 'labops_jobs',
    help: 'Jobs per queue and state (BullMQ)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of queues) {
        const counts = await q.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
      }
    },
  });
  return registry;
}
