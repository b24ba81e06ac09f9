import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, FleetHost } from '../fleet/index.js';
import { startFleet } from '../fleet/index.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { slackLimitBreaches } from '../support/slack-limits.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { type SlackLabops, startSlackLabops } from './start-labops.js';

// /lab ntp status over 1000 simulated hosts (test/fleet, 127.67.x.x): Slack calls bounded, the final message within
// Slack's limits, every host in one CSV file in the thread
const HOSTS = 1000;
let fleet: Fleet;
let labops: SlackLabops;

beforeAll(async () => {
  fleet = await startFleet({
    count: HOSTS,
    dir: join(tmpdir(), 'labops-ntp-fleet'),
    net: '127.67',
    slowMs: 500,
  });
  labops = await startSlackLabops({
    LAB_INVENTORY: fleet.inventoryPath,
    LAB_KNOWN_HOSTS: fleet.knownHostsPath,
    LAB_SSH_CONNECT_TIMEOUT_MS: '20000',
  });
}, 120_000);
afterAll(async () => {
  await labops?.close();
  await fleet?.stop();
});

/** What labops must say of a host, from the fleet's plan of it (as the CSV's state column words it). */
function expectedState(h: FleetHost): string {
  if (h.behaviour === 'refused' || h.behaviour === 'wrong-key' || h.state === 'daemon-down') return 'error';
  return { sync: 'in sync', drift: 'drifting (critical)', unsync: 'not synchronised' }[h.state];
}

const isSummary = (c: RecordedCall) =>
  c.method === 'chat.update' && /^NTP status of all hosts:/.test(String(c.args.text));

async function checkAll(): Promise<{ summary: RecordedCall; calls: RecordedCall[] }> {
  labops.slack.reset();
  const ack = await labops.slash('ntp status all');
  expect(ack.status).toBe(200);
  const summary = await labops.slack.waitFor(isSummary, 120_000);
  return { summary, calls: [...labops.slack.calls] };
}

describe('/lab ntp status all on 1000 hosts', () => {
  it('ends with a summary within Slack limits and the whole table as one file, in a bounded number of calls', async () => {
    const { summary, calls } = await checkAll();
    expect(slackLimitBreaches(summary.args)).toEqual([]);

    // counts by state, then errors by cause, as the fleet's plan makes them
    const count = (state: string) => fleet.hosts.filter((h) => expectedState(h) === state).length;
    const text = String(summary.args.text);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `NTP status of all hosts: ${count('in sync')} in sync, ${count('drifting (critical)')} drifting, ${count('not synchronised')} not synchronised, ${count('error')} errors`,
    );
    expect(lines[1]).toMatch(/^Errors: \d+ chronyd down, 30 unreachable, 20 host key mismatch\.$/);
    // the worst hosts first: errors before anything else, no host in sync listed
    expect(lines[2]).toMatch(/^❌ host-\d{5}: /);
    expect(text).not.toMatch(/^✅/m);
    expect(text).toMatch(/^…and \d+ more hosts not in sync: /m);
    expect(lines.at(-1)).toMatch(
      /^Checked 1000 hosts in .*\. Every host, worst first, is in the table attached in the thread \(ntp-status-all-hosts-\d{4}-.*\.csv\)\./,
    );

    // the thread holds one file and no replies of raw tables
    const ts = String(summary.args.ts);
    const thread = labops.slack.thread(SLACK_IDS.channelId, ts);
    expect(thread.map((m) => m.via)).toEqual(['files.completeUploadExternal']);
    const files = labops.slack.files();
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file?.thread_ts).toBe(ts);
    expect(file?.completed).toBe(true);
    const csv = file?.content?.toString('utf8') ?? '';
    expect(Buffer.byteLength(csv)).toBeLessThan(1024 * 1024); // far under Slack's 1 GB a file
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('host,state,offset_seconds,selected_source,stratum,reach,problem,detail,next_step');
    expect(rows).toHaveLength(HOSTS + 1);
    const stateOf = new Map(rows.slice(1).map((r) => [r.split(',')[0], r.split(',')[1]]));
    expect(stateOf.size).toBe(HOSTS);
    for (const h of fleet.hosts) expect(stateOf.get(h.name), h.name).toBe(expectedState(h));

    // Slack calls: the bot's first post, at most 12 progress updates, the upload (3 calls), the summary
    const slackCalls = calls.filter((c) => c.method !== 'response_url');
    expect(calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'chat.update').length).toBeLessThanOrEqual(13);
    expect(slackCalls.length).toBeLessThanOrEqual(20);
    for (const c of calls.filter((c) => c.method === 'chat.update'))
      expect(slackLimitBreaches(c.args), 'a progress update').toEqual([]);
  }, 240_000);

  it('a second, warm run makes as few calls and finds the same', async () => {
    const { summary, calls } = await checkAll();
    expect(slackLimitBreaches(summary.args)).toEqual([]);
    expect(calls.filter((c) => c.method !== 'response_url').length).toBeLessThanOrEqual(20);
    expect(labops.slack.files()).toHaveLength(1);
  }, 240_000);
});
