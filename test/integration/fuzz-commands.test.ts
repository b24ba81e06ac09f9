import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NTP_STATUS_COMMAND, NTP_STATUS_REPEATING } from '../../src/tasks/chrony/remote-command.js';
import { logSince } from '../support/log-since.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

const CASES = 1500;

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its index. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'ntp',
  'status',
  'help',
  'ntp status',
  '; reboot',
  '$(id)',
  '`id`',
  '| sh',
  '&& rm -rf /',
  '../../etc/passwd',
  "'",
  '"',
  '\\',
  '\n',
  '\t',
  '<!channel>',
  '<@U123>',
  '*bold*',
  'client-sync',
  'all',
  'ntp_clients',
  '%00',
  '\u0000',
  'ünïcödé',
  '🕒',
  '\u202e',
  'ＮＴＰ',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion is exactly what this input is
  '${PATH}',
  '>/tmp/x',
  '2>&1',
  '--help',
  '-oProxyCommand=sh',
  'ntp status all extra',
];

function hostile(i: number): string {
  const r = rng(i + 1);
  if (i % 100 === 0) return 'x'.repeat(2000 + Math.floor(r() * 20_000)); // huge input
  const n = 1 + Math.floor(r() * 6);
  let s = '';
  for (let k = 0; k < n; k++) {
    s += r() < 0.7 ? PIECES[Math.floor(r() * PIECES.length)] : String.fromCharCode(Math.floor(r() * 0x2fff));
    s += r() < 0.8 ? ' ' : '';
  }
  return s;
}

describe('fuzzing the command text over signed HTTP', () => {
  let labops: SlackLabops;
  // what this file's commands ran on each host of the shared lab (other files run commands there too)
  let ran: Array<{ host: string; log: ReturnType<typeof logSince> }>;

  beforeAll(async () => {
    const hostsDir = join(inject('lab').dir, 'hosts');
    ran = readdirSync(hostsDir).map((host) => ({
      host,
      log: logSince(join(hostsDir, host, 'commands.log')),
    }));
    // no rate limit or queue cap (they have their own test): every command reaches the grammar, and hosts
    labops = await startSlackLabops({ LAB_RATE_PER_MIN: '0', LAB_MAX_WAITING_JOBS: '0' });
  });
  afterAll(async () => labops?.close());

  it(`acks ${CASES} hostile commands with 200, answers each exactly once, and never puts user text on a host`, async () => {
    let next = 0;
    const worker = async () => {
      while (next < CASES) {
        const i = next++;
        const res = await labops.slash(hostile(i));
        expect(res.status, `case ${i}`).toBe(200);
      }
    };
    // (how fast the acks come is not asserted: timed assertions are flaky on this shared machine)
    await Promise.all(Array.from({ length: 20 }, worker));

    // every command got exactly one answer: an ephemeral reply (help or error) or a job message in the channel
    const answers = () =>
      labops.slack.callsTo('response_url').length +
      labops.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts).length;
    for (let waited = 0; answers() < CASES && waited < 20_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    expect(answers()).toBe(CASES);
    expect((await fetch(`http://127.0.0.1:${labops.httpPort}/healthz`)).status).toBe(200);

    // what the simulated hosts ran: only the fixed status command, or the fixed loop that runs it (the pool's
    // long-lived status channel), whatever was typed
    const fixed = [NTP_STATUS_COMMAND, NTP_STATUS_REPEATING.loop].map((c) => c.replace(/\n/g, '\\n'));
    for (const { host, log } of ran) {
      for (const line of log.read()) {
        expect(
          fixed.some((f) => line.endsWith(f)),
          `${host} ran: ${line.slice(0, 120)}`,
        ).toBe(true);
      }
    }
  }, 120_000);
});
