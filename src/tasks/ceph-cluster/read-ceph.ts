import { HostError, ParseError } from '../../errors.js';
import type { InventoryHost } from '../../inventory/index.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { type Section, sectionOf, splitSections } from '../remote/sections.js';
import { CEPH_EXEC_TIMEOUT_MS, CEPH_STEPS, type CephStep, cephCommand } from './ceph-command.js';
import { type CephFailure, cephFailure } from './ceph-failure.js';
import { CephHealth, CephStatus, CephTimeSync, parseCephJson } from './parse-ceph.js';

/** What the monitor that answered said. */
export interface CephReading {
  monitor: string;
  health: CephHealth;
  status?: CephStatus;
  timeSync?: CephTimeSync;
  /** Each step's output as ceph printed it, for the thread. */
  raw: { step: CephStep; output: string }[];
  /** A later step that failed, in words (the reply goes on without it). */
  notes: string[];
}

/** A monitor host that could not answer, and why. */
export interface MonFailure {
  host: string;
  failure: CephFailure;
}

const words = (step: CephStep) => `ceph ${CEPH_STEPS[step]}`;

function unreadable(host: InventoryHost, err: ParseError): CephFailure {
  const excerpt = err.excerpt.split('\n')[0]?.slice(0, 120) ?? '';
  return {
    code: 'command-failed',
    message: `${err.message} on ${host.name}${excerpt ? ` ("${excerpt}")` : ''}`,
    hint: `Run ceph status --format json on ${host.name} by hand to see what it prints; labops reads Luminous to Reef.`,
  };
}

/**
 * The reading from one host's sectioned output (pure): the first step must succeed and print JSON, or the host
 * failed; a later step that fails or prints something else becomes a note.
 */
export function readingFrom(
  host: InventoryHost,
  sections: Map<string, Section>,
  steps: readonly CephStep[],
): CephReading | CephFailure {
  const [first] = steps;
  if (!first) throw new Error('no ceph step');
  const head = sectionOf(sections, first);
  if (head.exitCode !== 0) return cephFailure(host, head.output, head.exitCode);
  let detailed = false;
  const reading: CephReading = {
    monitor: host.name,
    health: { status: 'HEALTH_OK', checks: {} },
    raw: [],
    notes: [],
  };
  for (const step of steps) {
    const { output, exitCode } = sectionOf(sections, step);
    if (exitCode !== 0 && step !== first) {
      const f = cephFailure(host, output, exitCode);
      reading.notes.push(`${words(step)} failed: ${f.message}.`);
      continue;
    }
    reading.raw.push({ step, output });
    try {
      if (step === 'status') reading.status = parseCephJson(CephStatus, output, words(step));
      if (step === 'health') {
        reading.health = parseCephJson(CephHealth, output, words(step));
        detailed = true;
      }
      if (step === 'time-sync') reading.timeSync = parseCephJson(CephTimeSync, output, words(step));
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      if (step === first) return unreadable(host, err);
      reading.notes.push(`${err.message}.`);
    }
  }
  // `health detail` failed or was not asked for: the checks of `status`, without their detail lines
  if (!detailed && reading.status) reading.health = reading.status.health;
  return reading;
}

/** One monitor host: its reading, or why it could not give one. */
async function askOne(
  ssh: Pick<SshPool, 'exec'>,
  host: InventoryHost,
  steps: readonly CephStep[],
  signal?: AbortSignal,
): Promise<CephReading | CephFailure> {
  try {
    const { stdout } = await ssh.exec(host, cephCommand(host, steps), {
      signal,
      timeoutMs: CEPH_EXEC_TIMEOUT_MS,
    });
    return readingFrom(host, splitSections(stdout, steps), steps);
  } catch (err) {
    if (err instanceof HostError) return { code: err.code, message: err.message, hint: err.hint };
    if (err instanceof ParseError) return unreadable(host, err);
    throw err;
  }
}

/** Asks the monitors one after the other until one answers; the ones that did not, with why. */
export async function readCeph(
  ssh: Pick<SshPool, 'exec'>,
  hosts: readonly InventoryHost[],
  steps: readonly CephStep[],
  signal?: AbortSignal,
): Promise<{ reading?: CephReading; failed: MonFailure[] }> {
  const failed: MonFailure[] = [];
  for (const host of hosts) {
    signal?.throwIfAborted();
    const answer = await askOne(ssh, host, steps, signal);
    if ('monitor' in answer) return { reading: answer, failed };
    failed.push({ host: host.name, failure: answer });
  }
  return { failed };
}
