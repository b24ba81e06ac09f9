// Ceph monitors on the simulated lab: lab hosts whose `ceph` is a stand-in answering in the JSON formats of
// test/fixtures/ceph (status, health detail, time-sync-status), with MON_CLOCK_SKEW computed from the REAL chronyd of
// each monitor's host: a host whose chronyd says its clock is 3 s slow is 3 s skewed against the leader.
// The lab's hosts all run on this machine, so the stand-in reads every monitor's chronyd through that host's own
// chronyc wrapper, as a Ceph leader would learn their clocks from its timecheck rounds.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { Lab } from './index.js';

/** What the simulated cluster is like; the stand-ins read it at every call, so a test can change it. */
export interface CephClusterState {
  /** Monitor names = lab host names, in rank order; the first one in quorum is the leader. */
  mons: string[];
  /** Monitors that are down (out of quorum). */
  down?: string[];
  /** OSDs down of the 16 of the Reef sample. */
  osdsDown?: number;
  /** Every client call fails as the real client does when no monitor answers, or when it has no keyring. */
  failure?: 'timeout' | 'no-keyring';
}

const TEMPLATE = fileURLToPath(new URL('../fixtures/ceph/reef-status-health-ok.json.txt', import.meta.url));

const STAND_IN = `#!/usr/bin/python3
# ceph stand-in of the simulated lab (test/lab/ceph-mons.ts): answers status, health detail, time-sync-status
import json, subprocess, sys

state_path, hosts_dir, template_path = sys.argv[1:4]
args = sys.argv[4:]
state = json.load(open(state_path))
words, i = [], 0
while i < len(args):
    if args[i] in ('--connect-timeout', '--cluster', '--id', '--format'):
        i += 2
        continue
    words.append(args[i])
    i += 1
cmd = ' '.join(words)
if state.get('failure') == 'timeout':
    sys.stderr.write('2026-01-01T00:00:00.000+0000 7fe36e1c9640  0 monclient(hunting): authenticate timed out after 10\\n')
    print('[errno 110] RADOS timed out (error connecting to the cluster)')
    sys.exit(1)
if state.get('failure') == 'no-keyring':
    sys.stderr.write('2026-01-01T00:00:00.000+0000 7f97765ff6c0 -1 auth: unable to find a keyring on /etc/ceph/ceph.client.admin.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,: (2) No such file or directory\\n')
    print('[errno 2] RADOS object not found (error connecting to the cluster)')
    sys.exit(1)
if cmd not in ('status', 'health detail', 'time-sync-status'):
    sys.stderr.write('no valid command found\\nError EINVAL: invalid command\\n')
    sys.exit(22)

mons = state['mons']
down = state.get('down', [])
quorum = [m for m in mons if m not in down]

def slow_by(mon):
    # chronyc -c tracking: the 5th field is the system time offset, positive = slow of NTP time
    try:
        out = subprocess.run([hosts_dir + '/' + mon + '/bin/chronyc', '-n', '-c', 'tracking'],
                             capture_output=True, text=True, timeout=5).stdout
        return float(out.split(',')[4])
    except Exception:
        return None

leader = quorum[0] if quorum else None
base = slow_by(leader) if leader else None
times = {}
for m in quorum:
    s = slow_by(m)
    skew = 0.0 if m == leader or s is None or base is None else round(base - s, 6)
    entry = {'skew': skew, 'latency': 0 if m == leader else 0.000829,
             'health': 'HEALTH_WARN' if abs(skew) > 0.05 else 'HEALTH_OK'}
    if abs(skew) > 0.05:
        entry['details'] = 'clock skew %gs > max 0.05s' % abs(skew)
    times[m] = entry

checks = {}
def check(code, severity, message, count, detail):
    checks[code] = {'severity': severity, 'summary': {'message': message, 'count': count},
                    'detail': [{'message': d} for d in detail], 'muted': False}
skewed = [m for m in quorum if times[m]['health'] != 'HEALTH_OK']
if skewed:
    check('MON_CLOCK_SKEW', 'HEALTH_WARN', 'clock skew detected on ' + ', '.join('mon.' + m for m in skewed), len(skewed),
          ['mon.%s clock skew %gs > max 0.05s (latency %gs)' % (m, abs(times[m]['skew']), times[m]['latency']) for m in skewed])
if down:
    check('MON_DOWN', 'HEALTH_WARN', '%d/%d mons down, quorum %s' % (len(down), len(mons), ','.join(quorum)), len(down),
          ['mon.%s (rank %d) addr [v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0] is down (out of quorum)' % (m, mons.index(m)) for m in down])
osds_down = state.get('osdsDown', 0)
if osds_down:
    check('OSD_DOWN', 'HEALTH_WARN', '%d osds down' % osds_down, osds_down, ['osd.%d (root=default,host=gnit) is down' % n for n in range(osds_down)])
status = 'HEALTH_WARN' if checks else 'HEALTH_OK'
health = {'status': status, 'checks': dict(sorted(checks.items())), 'mutes': []}

if cmd == 'health detail':
    print(json.dumps(health))
elif cmd == 'time-sync-status':
    print(json.dumps({'time_skew_status': times, 'timechecks': {'epoch': 6, 'round': 6, 'round_status': 'finished'}}))
else:
    text = open(template_path).read()
    doc = json.loads(text[text.index('{'):])
    doc['health'] = {'status': status, 'checks': {k: {kk: vv for kk, vv in v.items() if kk != 'detail'} for k, v in health['checks'].items()}, 'mutes': []}
    doc['quorum'] = [mons.index(m) for m in quorum]
    doc['quorum_names'] = quorum
    doc['monmap']['num_mons'] = len(mons)
    doc['osdmap']['num_up_osds'] = doc['osdmap']['num_osds'] - osds_down
    print(json.dumps(doc))
`;

export interface LabCeph {
  /** The lab's inventory plus a ceph_mons group. */
  inventoryPath: string;
  setState(state: CephClusterState): void;
}

/** Puts the stand-in on every host in `on` (first on its PATH) and writes an inventory with ceph_mons = `group`. */
export function installCeph(
  lab: Lab,
  o: { state: CephClusterState; on: string[]; group: string[] },
): LabCeph {
  const dir = join(lab.dir, 'ceph');
  mkdirSync(dir, { recursive: true });
  const statePath = join(dir, 'cluster.json');
  const script = join(dir, 'ceph-stand-in.py');
  writeFileSync(script, STAND_IN, { mode: 0o755 });
  const setState = (state: CephClusterState) => writeFileSync(statePath, JSON.stringify(state));
  setState(o.state);
  for (const host of o.on) {
    const path = join(lab.dir, 'hosts', host, 'bin', 'ceph');
    writeFileSync(
      path,
      `#!/bin/sh\nexec ${script} ${statePath} ${join(lab.dir, 'hosts')} ${TEMPLATE} "$@"\n`,
    );
    chmodSync(path, 0o755);
  }
  const inventory = parse(readFileSync(lab.inventoryPath, 'utf8'));
  inventory.all.children.ceph_mons = { hosts: Object.fromEntries(o.group.map((h) => [h, null])) };
  const inventoryPath = join(dir, 'inventory.yml');
  writeFileSync(
    inventoryPath,
    `# the lab's inventory with its Ceph monitors (test/lab/ceph-mons.ts)\n${stringify(inventory)}`,
  );
  return { inventoryPath, setState };
}
