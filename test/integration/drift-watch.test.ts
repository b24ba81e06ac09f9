import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { type Labops, type Role, startLabops } from '../../src/main.js';
import { type Lab, startLab } from '../lab/index.js';
import { askEphemeral } from '../support/ask-ephemeral.js';
import { type FakeMessage, type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { SLACK_IDS } from '../support/slack-request.js';
import { untilHostInSync } from '../support/until-host-in-sync.js';

// A lab of its own (127.0.6.x): this file changes the fast time server's offset, which the shared lab must keep.
const NET = '127.0.6';
const SECRET = 'drift-signing-secret';
const ALERTS = 'C0ALERTS';
const ADMIN = 'U0ADMIN';
const WATCHED = { ntp_servers: ['ntp1', 'ntp-fast'], ntp_clients: ['client-sync', 'client-drift'] };

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The four hosts the watch should see: two time servers, a client of all three and client-drift (ntp-fast only). */
function writeInventory(lab: Lab): string {
  const address = new Map(lab.hosts.map((h) => [h.name, h.address]));
  const group = (names: string[]) => ({
    hosts: Object.fromEntries(names.map((n) => [n, { ansible_host: address.get(n) }])),
  });
  const path = join(lab.dir, 'drift-inventory.yml');
  const all = {
    vars: { ansible_user: 'root', ansible_port: 2222, ansible_ssh_private_key_file: lab.keyPath },
  };
  const children = { ntp_servers: group(WATCHED.ntp_servers), ntp_clients: group(WATCHED.ntp_clients) };
  writeFileSync(path, stringify({ all: { ...all, children } }));
  return path;
}

/** The processes a lab daemon started (sshd's per-connection children leave its process group). */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const isTop = (m: FakeMessage) => m.thread_ts === undefined || m.thread_ts === m.ts;

describe('clock-drift watch on the simulated lab', () => {
  let lab: Lab;
  let fake: FakeSlack;
  let redis: Redis;
  let inventoryPath: string;
  const running: Labops[] = [];
  const prefixes: string[] = [];

  const start = async (prefix: string, role: Role, env: Record<string, string> = {}) => {
    const config = loadConfig({
      REDIS_URL: inject('redisUrl'),
      LAB_INVENTORY: inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_QUEUE_PREFIX: prefix,
      LAB_SSH_CONNECT_TIMEOUT_MS: '2000',
      LAB_DRIFT_INTERVAL: '1',
      LAB_DRIFT_CONFIRM: '2',
      LAB_ALERT_CHANNEL: ALERTS,
      LAB_ADMINS: ADMIN,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'silent',
      PORT: '0',
      ...env,
    });
    const labops = await startLabops(config, role, {
      stdin: new PassThrough(),
      stdout: { write: () => true },
    });
    running.push(labops);
    return labops;
  };
  const stop = async (labops: Labops) => {
    running.splice(running.indexOf(labops), 1);
    await labops.stop();
  };
  const newPrefix = () => {
    const p = `labops-drift-${randomUUID().slice(0, 8)}`;
    prefixes.push(p);
    return p;
  };
  const checks = async (prefix: string) =>
    Number((await redis.hget(`${prefix}:drift:counters`, 'checks')) ?? 0);
  const counter = async (prefix: string, field: string) =>
    Number((await redis.hget(`${prefix}:drift:counters`, field)) ?? 0);
  /** Waits until `n` more checks of all hosts have run: the bound is generous, nothing is timed. */
  const moreChecks = async (prefix: string, n: number) => {
    const from = await checks(prefix);
    await until(`${n} more checks`, async () => (await checks(prefix)) >= from + n);
  };
  /** Waits for `probe` to hold within `n` more checks, however long they take (the test's timeout bounds it). */
  const withinChecks = async <T>(prefix: string, what: string, n: number, probe: () => T | undefined) => {
    const from = await checks(prefix);
    return until(
      what,
      async () => {
        const value = probe();
        if (value !== undefined || (await checks(prefix)) < from + n) return value;
        throw new Error(`${what}: not within ${n} checks`);
      },
      170_000,
    );
  };
  /** Alert messages about a host, as first posted (a resolved alert is edited afterwards). */
  const alertsAbout = (host: string) =>
    fake
      .messages(ALERTS)
      .filter((m) => isTop(m) && (m.history[0]?.text ?? m.text ?? '').includes(`${host}:`));
  const ephemeral = (port: number | undefined, text: string, user?: string) =>
    askEphemeral({ fake, events: `http://127.0.0.1:${port}/slack/events`, secret: SECRET }, text, user);

  /** client-drift follows ntp-fast alone: wait until it has caught up with offset 0 before watching. */
  const untilInSync = () =>
    untilHostInSync({ inventoryPath, knownHostsPath: lab.knownHostsPath }, 'client-drift');

  beforeAll(async () => {
    lab = await startLab({ dir: join(tmpdir(), 'labops-drift-lab'), net: NET });
    await lab.setFastServerOffset(0);
    inventoryPath = writeInventory(lab);
    fake = await startFakeSlack();
    redis = new Redis(inject('redisUrl'));
    await untilInSync();
  }, 90_000);

  // every test starts as the first did: no labops running, ntp-fast at offset 0 and followed, an empty fake Slack
  afterEach(async () => {
    for (const labops of running.splice(0)) await labops.stop().catch(() => undefined);
    fake.reset();
    await lab.setFastServerOffset(0);
    await untilInSync();
  }, 90_000);

  afterAll(async () => {
    for (const labops of [...running]) await labops.stop().catch(() => undefined);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis?.quit();
    await fake?.close();
    await lab?.stop();
  });

  it('alerts once after the confirm count, survives a restart, and posts the recovery in the alert thread', async () => {
    const prefix = newPrefix();
    let labops = await start(prefix, 'all');
    await moreChecks(prefix, 3);
    expect(fake.messages(ALERTS)).toEqual([]); // every watched host is in sync

    await lab.setFastServerOffset(3);
    await until('the alert', () => alertsAbout('client-drift')[0]);
    const alert = alertsAbout('client-drift')[0] as FakeMessage;
    expect(alert.text).toMatch(
      /^🔴 client-drift: drifting \(critical\) since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/,
    );
    expect(alert.text).toMatch(/offset 3\.0 s slow of NTP time, source 127\.0\.6\.3/);
    // the history of client-drift: at least two critical checks before the alert (the confirm count)
    const history = await redis.zrange(`${prefix}:drift:history:client-drift`, 0, -1);
    expect(history.filter((m) => m.includes('|critical|')).length).toBeGreaterThanOrEqual(2);

    // the last hour's chart, in the alert's thread
    const chart = await until('the chart', () =>
      fake.files().find((f) => f.thread_ts === alert.ts && f.completed),
    );
    expect(chart.filename).toBe('client-drift-offset-last-hour.png');
    expect(chart.content?.subarray(1, 4).toString()).toBe('PNG');

    await moreChecks(prefix, 3);
    expect(alertsAbout('client-drift')).toHaveLength(1);

    // a restart: the record in Redis says the alert is out, so it is neither repeated nor forgotten
    await stop(labops);
    labops = await start(prefix, 'all');
    await moreChecks(prefix, 3);
    expect(alertsAbout('client-drift')).toHaveLength(1);
    const open = await ephemeral(labops.httpPort, 'ntp alerts');
    expect(open).toContain('Open alerts (1):');
    expect(open).toMatch(/🔴 client-drift: drifting \(critical\) since/);
    expect(open).toMatch(/Last check \d{4}-/);

    const metrics = await (await fetch(`http://127.0.0.1:${labops.httpPort}/metrics`)).text();
    const offset = /labops_ntp_offset_seconds\{host="client-drift"\} (\S+)/.exec(metrics)?.[1];
    expect(Number(offset)).toBeCloseTo(3, 2);
    expect(metrics).toContain('labops_ntp_state{host="client-drift",state="critical"} 1');
    expect(metrics).toMatch(/labops_ntp_last_check_timestamp_seconds\{host="ntp1"\} \d+/);
    expect(metrics).toMatch(/labops_drift_checks_total \d+/);
    expect(metrics).toContain('labops_drift_announcements_total{kind="alert"} 1');
    expect(metrics).toMatch(/labops_jobs\{queue="ntp-watch",state="completed"\} \d+/);

    // the offset put back: the recovery, once, in the alert's thread; the alert is crossed out
    await lab.setFastServerOffset(0);
    const recovery = await until('the recovery', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /client-drift is back in sync/.test(m.text ?? '')),
    );
    // chronyd slews back: on the way down the offset may hold between 50 and 500 ms long enough to be confirmed
    expect(recovery.text).toMatch(
      /back in sync since .* after \d+ (s|min) \(was drifting \((critical|warning)\)\)/,
    );
    // the alert is crossed out right after the recovery reply is posted (chat.update after chat.postMessage)
    await until('the alert crossed out', () =>
      /^✅ Resolved /.test(fake.message(ALERTS, alert.ts)?.text ?? ''),
    );
    expect(fake.message(ALERTS, alert.ts)?.text).toMatch(/^✅ Resolved .*: client-drift is back in sync/);
    await moreChecks(prefix, 3);
    expect(fake.thread(ALERTS, alert.ts).filter((m) => /back in sync/.test(m.text ?? ''))).toHaveLength(1);
    expect(alertsAbout('client-drift')).toHaveLength(1);
    expect(await ephemeral(labops.httpPort, 'ntp alerts')).toContain('No open alerts');
    await stop(labops);
  }, 180_000);

  it('answers /lab ntp graph with a PNG, and lets only admins pause and resume the watch', async () => {
    const prefix = newPrefix();
    const labops = await start(prefix, 'all');
    await moreChecks(prefix, 2);

    const before = fake.files().length;
    expect(await ephemeral(labops.httpPort, 'ntp graph ntp_clients 1')).toContain(
      'Posted the chart of group ntp_clients (last hour)',
    );
    const file = fake.files()[before];
    expect(file).toMatchObject({
      channel: SLACK_IDS.channelId,
      completed: true,
      title: 'Clock offset of group ntp_clients, last hour',
    });
    expect(file?.content?.subarray(1, 4).toString()).toBe('PNG');
    expect(await ephemeral(labops.httpPort, 'ntp graph nosuchhost')).toMatch(/Unknown target `nosuchhost`/);
    expect(await ephemeral(labops.httpPort, 'ntp graph ntp1 500')).toMatch(/Hours must be 1 to 168/);

    expect(await ephemeral(labops.httpPort, 'ntp watch off')).toMatch(
      /Only lab admins may run `\/lab ntp watch off`/,
    );
    expect(await redis.exists(`${prefix}:drift:paused`)).toBe(0);
    expect(await ephemeral(labops.httpPort, 'ntp watch off', ADMIN)).toMatch(/^Paused/);
    await until('the pause notice', () =>
      fake
        .messages(ALERTS)
        .find(
          (m) =>
            m.text ===
            `⏸️ Clock-drift watch paused by <@${ADMIN}>: no checks and no alerts until \`/lab ntp watch on\`.`,
        ),
    );
    const skipped = await counter(prefix, 'skippedPaused');
    await until('paused ticks', async () => (await counter(prefix, 'skippedPaused')) >= skipped + 2);
    expect(await ephemeral(labops.httpPort, 'ntp alerts')).toContain(
      `Clock-drift watch is paused (by <@${ADMIN}>`,
    );
    expect(await ephemeral(labops.httpPort, 'ntp watch on', ADMIN)).toMatch(/^Resumed/);
    await moreChecks(prefix, 1);
    await stop(labops);
  }, 120_000);

  it('with two workers and a bot on one Redis, alerts once; an unreachable host is announced as such', async () => {
    fake.reset();
    const prefix = newPrefix();
    await start(prefix, 'bot');
    await start(prefix, 'worker');
    await start(prefix, 'worker');
    await moreChecks(prefix, 3);
    expect(fake.messages(ALERTS)).toEqual([]);

    await lab.setFastServerOffset(3);
    const alert = await until('the alert', () => alertsAbout('client-drift')[0]);
    await moreChecks(prefix, 4);
    expect(alertsAbout('client-drift')).toHaveLength(1);
    // every tick ran once: as many history points per host as checks
    const [points, ticks] = [await redis.zcard(`${prefix}:drift:history:ntp1`), await checks(prefix)];
    expect(points).toBe(ticks);

    await lab.setFastServerOffset(0);
    await until('the recovery', () =>
      fake.thread(ALERTS, alert.ts).find((m) => /client-drift is back in sync/.test(m.text ?? '')),
    );
    await moreChecks(prefix, 3);
    expect(fake.thread(ALERTS, alert.ts).filter((m) => /back in sync/.test(m.text ?? ''))).toHaveLength(1);
    expect(alertsAbout('client-drift')).toHaveLength(1);

    // client-sync's sshd and its sessions go away: the pooled connection dies, reconnecting is refused
    const sshd = lab.processes().find((p) => p.name === 'client-sync/sshd');
    if (!sshd) throw new Error('no sshd for client-sync');
    for (const pid of [sshd.pid, ...descendants(sshd.pid)]) process.kill(pid, 'SIGTERM');
    const down = await until('the unreachable alert', () => alertsAbout('client-sync')[0]);
    expect(down.text).toMatch(
      /^❌ client-sync: unreachable since .*\nSSH failed: connection refused \(127\.0\.6\.4:2222\)/,
    );
    await moreChecks(prefix, 3);
    expect(alertsAbout('client-sync')).toHaveLength(1);
    for (const labops of [...running]) await stop(labops);
  }, 180_000);
  it('summarises a flapping host in one notice, then says once when it is steady again', async () => {
    fake.reset();
    const prefix = newPrefix();
    await start(prefix, 'all', { LAB_DRIFT_CONFIRM: '1' });
    await moreChecks(prefix, 2);
    const about = () =>
      fake.messages(ALERTS).filter((m) => (m.history[0]?.text ?? m.text ?? '').includes('client-drift'));
    const flapping = () =>
      about().find((m) => /client-drift is flapping/.test(m.history[0]?.text ?? m.text ?? ''));
    const record = async () =>
      JSON.parse((await redis.hget(`${prefix}:drift:host:client-drift`, 'json')) ?? '{}') as {
        state?: string;
        flapping?: { state: string };
      };
    // each move of ntp-fast is a change; the fifth within the hour becomes the flapping notice
    for (let i = 0; i < 8 && !flapping(); i++) {
      const target = i % 2 === 0 ? 'critical' : 'ok';
      await lab.setFastServerOffset(i % 2 === 0 ? 3 : 0);
      await until(`client-drift ${target}`, async () =>
        (await record()).state === target ? true : undefined,
      );
      await moreChecks(prefix, 1); // its announcement is posted by the check that confirmed it
    }
    const notice = flapping();
    expect(notice?.text).toMatch(/client-drift is flapping: \d+ state changes within 1 h, now/);
    const said = about().length;

    // moving on while flapping: tracked, not announced
    await lab.setFastServerOffset(3);
    await until('flapping, critical', async () =>
      (await record()).flapping?.state === 'critical' ? true : undefined,
    );
    await lab.setFastServerOffset(0);
    await until('flapping, ok', async () => ((await record()).flapping?.state === 'ok' ? true : undefined));
    expect(about()).toHaveLength(said);

    // steady for 10 checks: one recovery, in the thread the notice belongs to (bounded by checks, not by time:
    // under load a check takes seconds)
    const back = await withinChecks(prefix, 'the end of flapping', 20, () =>
      about().find((m) => /back in sync .* and has stopped flapping/.test(m.text ?? '')),
    );
    expect(back.thread_ts).toBe(notice?.thread_ts ?? notice?.ts);
    await moreChecks(prefix, 2);
    expect(about()).toHaveLength(said + 1);
    const first = (m: FakeMessage) => m.history[0]?.text ?? m.text ?? '';
    expect(about().filter((m) => /is flapping/.test(first(m)))).toHaveLength(1);
  }, 180_000);
});
