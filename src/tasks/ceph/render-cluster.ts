import type { CephStatus } from '../ceph-cluster/parse-ceph.js';
import { type Line, line } from './lines.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 12067035856361 -> "11.0 TiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** 3044984 -> "3.04 M". */
const formatCount = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n);

function monitors(s: CephStatus): Line {
  const total = s.monmap.num_mons ?? s.monmap.mons?.length ?? s.quorum_names.length;
  const quorum = new Set(s.quorum_names);
  const out = (s.monmap.mons ?? []).map((m) => m.name).filter((m) => !quorum.has(m));
  const outText =
    out.length > 0
      ? `; out of quorum: ${out.join(', ')}`
      : total > quorum.size
        ? `; ${total - quorum.size} out of quorum`
        : '';
  return line(
    { bold: 'Monitors' },
    `: ${quorum.size}/${total} in quorum (${s.quorum_names.join(', ') || 'none'})${outText}`,
  );
}

function pgs(s: CephStatus): Line {
  const states = [...s.pgmap.pgs_by_state]
    .sort((a, b) => b.count - a.count)
    .map((p) => `${p.count} ${p.state_name}`)
    .join(', ');
  return line({ bold: 'Placement groups' }, `: ${s.pgmap.num_pgs}${states ? ` (${states})` : ''}`);
}

function usage(s: CephStatus): Line | undefined {
  const p = s.pgmap;
  if (p.bytes_total === undefined || p.bytes_used === undefined) return undefined;
  const pct = p.bytes_total > 0 ? ` (${((p.bytes_used / p.bytes_total) * 100).toFixed(1)}%)` : '';
  const data = [
    p.num_pools !== undefined ? `${p.num_pools} pools` : '',
    p.num_objects !== undefined ? `${formatCount(p.num_objects)} objects` : '',
    p.data_bytes !== undefined ? `${formatBytes(p.data_bytes)} data` : '',
  ].filter(Boolean);
  return line(
    { bold: 'Data' },
    `: ${data.length ? `${data.join(', ')}; ` : ''}${formatBytes(p.bytes_used)} used of ${formatBytes(p.bytes_total)}${pct}`,
  );
}

/** Monitors in and out of quorum, OSDs up/in of total, placement groups by state, data and usage. */
export function clusterLines(s: CephStatus): Line[] {
  const o = s.osdmap;
  const osds = line(
    { bold: 'OSDs' },
    `: ${o.num_up_osds}/${o.num_osds} up, ${o.num_in_osds}/${o.num_osds} in`,
  );
  const used = usage(s);
  return [monitors(s), osds, pgs(s), ...(used ? [used] : [])];
}
