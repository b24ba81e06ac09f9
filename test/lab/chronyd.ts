import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHRONYD = '/usr/sbin/chronyd';
export const CHRONYC = '/usr/bin/chronyc';
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
/** Seconds ntp-fast runs ahead when the lab starts. */
export const FAST_SERVER_OFFSET = 3;

export type ChronyRole = { role: 'server'; address: string } | { role: 'client'; serverAddresses: string[] };

/** chrony.conf for one instance: its own cmdport, pidfile and driftfile, no Unix socket. */
export function writeChronyConf(hostDir: string, cmdport: number, r: ChronyRole): string {
  const lines = [
    'bindcmdaddress 127.0.0.1',
    // every instance would otherwise fight over /run/chrony/chronyd.sock
    'bindcmdaddress /',
    `cmdport ${cmdport}`,
    'cmdallow 127.0.0.1',
    `pidfile ${join(hostDir, 'chronyd.pid')}`,
    `driftfile ${join(hostDir, 'chrony.drift')}`,
  ];
  if (r.role === 'server') {
    lines.push('port 123', `bindaddress ${r.address}`, 'local stratum 3', 'allow 127.0.0.0/8');
  } else {
    // poll every 0.25 s: a source is selected in about 1 s instead of minutes
    lines.push('port 0', ...r.serverAddresses.map((a) => `server ${a} iburst minpoll -2 maxpoll -2`));
  }
  const path = join(hostDir, 'chrony.conf');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** -x: never touch the real clock; -d: stay in the foreground, log to stderr. */
export function chronydArgs(confPath: string): string[] {
  return ['-4', '-x', '-d', '-u', 'root', '-f', confPath];
}

/** Environment that runs chronyd `offset` seconds fast, re-reading `offsetFile` every second. */
export function fakeTimeEnv(offsetFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    FAKETIME_CACHE_DURATION: '1',
  };
}

/** Same format as FAKETIME, e.g. "+3"; renamed into place so libfaketime never reads half a file. */
export function writeOffsetFile(path: string, seconds: number): void {
  if (!Number.isFinite(seconds)) throw new Error(`offset must be a number of seconds, got ${seconds}`);
  writeFileSync(`${path}.tmp`, `${seconds >= 0 ? '+' : ''}${seconds}\n`);
  renameSync(`${path}.tmp`, path);
}
