import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CHRONYC } from './chronyd.js';

const run = promisify(execFile);

/** CSV rows of `chronyc -n -c <command>` from the chronyd on `cmdport`; none while it does not answer. */
async function query(cmdport: number, command: string): Promise<string[][]> {
  try {
    const args = ['-h', '127.0.0.1', '-p', String(cmdport), '-n', '-c', command];
    const { stdout } = await run(CHRONYC, args, { timeout: 2000 });
    return stdout
      .trim()
      .split('\n')
      .map((line) => line.split(','));
  } catch {
    return [];
  }
}

/** [state, address] per source, e.g. ['*', '127.0.2.1'] or ['x', '127.0.2.3']. */
export async function chronySources(cmdport: number): Promise<[string, string][]> {
  return (await query(cmdport, 'sources')).map(([, state, address]) => [state ?? '', address ?? '']);
}

/** Seconds the host's clock is slow of NTP time (negative: fast), as `chronyc tracking` reports it. */
export async function chronySlowBy(cmdport: number): Promise<number | undefined> {
  // -c prints "System time" signed: positive is slow
  const field = (await query(cmdport, 'tracking'))[0]?.[4];
  return field === undefined ? undefined : Number(field);
}
