// /lab ntp setup, /lab ntp plan and /lab host prep against the ntpAdmin lab (127.0.7.201-206): real sshd per host
// in a private mount namespace (its own /etc), real chronyd restarted by a systemctl stand-in, stand-ins for
// firewall-cmd, getenforce/setenforce and a refusing sudo. The tasks' plan() and run() are called directly with a
// real SshPool and a chat that records what a user would see.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/message.js';
import type { ChatSink } from '../../src/chat/sink.js';
import { loadConfig } from '../../src/config.js';
import { type Inventory, loadInventory } from '../../src/inventory/index.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { hostPrepTask } from '../../src/tasks/host-prep/index.js';
import { ntpSetupTask } from '../../src/tasks/ntp-setup/index.js';
import { renderChronyConf } from '../../src/tasks/ntp-setup/render-chrony-conf.js';
import type { Plan, Task } from '../../src/tasks/task.js';
import { type Lab, startLab } from '../lab/index.js';
import type { LabNtpAdmin } from '../lab/ntp-admin.js';
import { ensureRedis } from '../lab/redis.js';

const NET = '127.0.7';
const LAB_DIR = join(tmpdir(), `labops-ntp-setup-${NET}`);
const SERVERS = ['adm-server1', 'adm-server2'];
const CLIENTS = ['adm-client1', 'adm-client2'];
const CONF: Record<string, string> = {
  'adm-server1': '/etc/chrony.conf', // Rocky
  'adm-server2': '/etc/chrony/chrony.conf', // Debian
  'adm-client1': '/etc/chrony.conf', // Rocky
  'adm-client2': '/etc/chrony/chrony.conf', // Ubuntu
  'adm-nosudo': '/etc/chrony.conf',
};
const WRONG = `# Use public servers from the pool.ntp.org project.\nserver ${NET}.250 iburst\n`;

let lab: Lab;
let admin: LabNtpAdmin;
let inventory: Inventory;
let ssh: SshPool;

/** A chat that keeps every message by ts, with its thread replies, as Slack would show them. */
function recordingChat() {
  const messages = new Map<string, ChatMessage>();
  const threads = new Map<string, ChatMessage[]>();
  let n = 0;
  const chat: ChatSink = {
    async post(_channel, message) {
      const ts = `${++n}.000`;
      messages.set(ts, message);
      return { ts };
    },
    async update(_channel, ts, message) {
      messages.set(ts, message);
    },
    async reply(_channel, ts, message) {
      threads.set(ts, [...(threads.get(ts) ?? []), message]);
    },
  };
  return { chat, messages, threads };
}

function context<P>(target: string | undefined, chat: ChatSink, inv = inventory) {
  return {
    payload: { target, reply: { channel: 'C1', messageTs: '0.000' } } as P,
    inventory: inv,
    ssh,
    chat,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    settings: { drift: { warnMs: 50, critMs: 500 } },
  };
}

const plan = (task: Task, target?: string): Promise<Plan> => {
  if (!task.plan) throw new Error(`${task.name} has no plan`);
  return task.plan(context(target, recordingChat().chat));
};
async function run(task: Task, target?: string, inv = inventory) {
  const rec = recordingChat();
  const result = await task.run(context(target, rec.chat, inv));
  return { result, summary: rec.messages.get('0.000')?.text ?? '', thread: rec.threads.get('0.000') ?? [] };
}

/** Every file under dir, by path relative to it. */
function files(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of files(path, base)) out.set(k, v);
    else out.set(path.slice(base.length), readFileSync(path, 'utf8'));
  }
  return out;
}

/** What a plan must not change on any host: its private /etc, the stand-ins' state and their change logs. */
function hostState(): Record<string, unknown> {
  return Object.fromEntries(
    admin.hosts.map((h) => {
      const dir = join(lab.dir, 'hosts', h.name);
      // chronyd writes its own log and drift file as it runs; nothing labops does
      const state = [...files(join(dir, 'state'))].filter(([k]) => !/chronyd\.log|chrony\.drift/.test(k));
      return [h.name, { etc: [...files(join(dir, 'etc'))], state, changes: admin.changes(h.name) }];
    }),
  );
}

const etc = (host: string, path: string) => {
  const file = admin.etcFile(host, path);
  return file === undefined ? undefined : readFileSync(file, 'utf8');
};

const CHANGING = /base64 -d|systemctl (enable|disable|start|stop|restart)|--add-service|--reload|setenforce/;

beforeAll(async () => {
  lab = await startLab({ dir: LAB_DIR, net: NET, ntpAdmin: true });
  if (!lab.ntpAdmin) throw new Error('lab without ntpAdmin');
  admin = lab.ntpAdmin;
  inventory = await loadInventory(admin.inventoryPath, { user: 'root' });
  ssh = new SshPool({
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 15_000,
    idleMs: 60_000,
    concurrency: 20,
  });
}, 60_000);

afterAll(async () => {
  await ssh?.close();
  await lab?.stop();
  // a run that is killed leaves it (with its pid registry): the next one stops what it left
  rmSync(LAB_DIR, { recursive: true, force: true });
});

describe('/lab ntp setup on the ntpAdmin lab', () => {
  it('plan: servers first, each change and its diff, problem hosts named; changes nothing', async () => {
    const before = hostState();
    const p = await plan(ntpSetupTask);
    expect(hostState()).toEqual(before);
    for (const h of admin.hosts.filter((h) => h.sshd === 'running')) {
      const ran = readFileSync(admin.commandLogPath(h.name), 'utf8').split('\n').filter(Boolean);
      expect(
        ran.filter((c) => CHANGING.test(c)),
        h.name,
      ).toEqual([]);
    }

    expect(p.hosts).toEqual([...SERVERS, 'adm-client1', 'adm-client2', 'adm-nosudo', 'adm-off']);
    expect(p.empty).toBe(false);
    const text = p.message.text;
    expect(text).toMatch(
      /^NTP setup plan for ntp_servers and ntp_clients: 4 to change, 0 unchanged, 2 with problems/,
    );
    expect(text.indexOf('adm-server2')).toBeLessThan(text.indexOf('adm-client1'));
    expect(text).toContain(
      'adm-server1 · time server · Rocky Linux 9.3 (Blue Onyx) · /etc/chrony.conf · chronyd',
    );
    expect(text).toContain('adm-client2 · client · Ubuntu 22.04.4 LTS · /etc/chrony/chrony.conf · chrony');
    expect(text).toContain('• open UDP 123 in firewalld (service ntp, permanent, reloaded)');
    expect(text).toContain('firewalld is not running: no firewall change');
    expect(text).toContain(`-server ${NET}.250 iburst\n+# Managed by labops`);
    expect(text).toContain(
      `+server ${NET}.201 iburst minpoll -2 maxpoll -2\n+server ${NET}.202 iburst minpoll -2 maxpoll -2`,
    );
    expect(text).toContain('+allow 127.0.0.0/8');
    expect(text).toMatch(
      /❌ sudo refused to run commands as root for labops \(sudo: a password is required\)/,
    );
    expect(text).toMatch(/❌ unreachable: connection refused \(127\.0\.7\.206:2222\)/);

    // Slack: the worker adds 3 blocks (note, buttons); sections stay under 3000 characters
    const blocks = p.message.blocks ?? [];
    expect(blocks.length).toBeLessThanOrEqual(47);
    const texts = blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join('').length).toBeLessThan(12_000);
    expect(texts.some((t) => t.startsWith('```\n--- /etc/chrony.conf\n+++ /etc/chrony.conf\n@@'))).toBe(true);
  });

  it('run: servers and clients set up from the wrong file; clients synchronise to the servers labops configured', async () => {
    const oldPid = admin.chronydPid('adm-server1');
    expect(oldPid).toBeDefined();
    const { summary, thread } = await run(ntpSetupTask);

    expect(summary).toMatch(/^NTP setup of ntp_servers and ntp_clients: 2 failed, 4 changed\n/);
    expect(summary).toMatch(
      /adm-server1 \(time server\) changed: wrote \/etc\/chrony\.conf \(previous file kept as \/etc\/chrony\.conf\.labops\.bak\); opened UDP 123.*; restarted chronyd/,
    );
    expect(summary).toMatch(/✅ adm-server1: in sync, serving local clock, stratum 3/);
    expect(summary).toMatch(/adm-client1 \(client\) changed: .*enabled chronyd at boot; restarted chronyd/);
    expect(summary).toMatch(
      new RegExp(`✅ adm-client1: in sync, \\^\\* ${NET.replaceAll('.', '\\.')}\\.20[12] \\(stratum 3\\)`),
    );
    expect(summary).toMatch(/❌ adm-off \(client\) failed\n {4}unreachable: connection refused/);
    expect(summary).toMatch(
      /❌ adm-nosudo \(client\) failed\n {4}sudo refused to run commands as root for labops \(sudo: a password is required\)\. Give labops passwordless sudo/,
    );
    const threadText = thread.map((m) => m.text).join('\n');
    for (const h of [...SERVERS, ...CLIENTS])
      expect(threadText).toContain(`--- ${CONF[h]}\n+++ ${CONF[h]}\n`);

    // the files: what the inventory says, the old one kept
    const server = renderChronyConf({
      role: 'server',
      upstreams: [],
      allow: ['127.0.0.0/8'],
      localStratum: 3,
      options: [],
    });
    const client = renderChronyConf({
      role: 'client',
      servers: [`${NET}.201`, `${NET}.202`],
      options: ['minpoll', '-2', 'maxpoll', '-2'],
    });
    for (const h of SERVERS) expect(etc(h, CONF[h] ?? '')).toBe(server);
    for (const h of CLIENTS) expect(etc(h, CONF[h] ?? '')).toBe(client);
    for (const h of [...SERVERS, ...CLIENTS])
      expect(etc(h, `${CONF[h]}.labops.bak`)).toMatch(new RegExp(`^${WRONG}`));

    // what the stand-ins were asked to do
    expect(admin.changes('adm-server1')).toEqual([
      'firewall-cmd --permanent --add-service=ntp',
      'firewall-cmd --reload',
      'systemctl restart chronyd',
    ]);
    expect(readFileSync(admin.stateFile('adm-server1', 'firewalld.runtime'), 'utf8')).toMatch(/^ntp$/m);
    expect(admin.changes('adm-server2')).toEqual(['systemctl restart chrony']);
    expect(admin.changes('adm-client1')).toEqual(['systemctl enable chronyd', 'systemctl restart chronyd']);
    expect(admin.changes('adm-client2')).toEqual(['systemctl restart chrony']);
    expect(admin.changes('adm-nosudo')).toEqual([]);
    expect(etc('adm-nosudo', '/etc/chrony.conf')).toMatch(new RegExp(`^${WRONG}`));

    // restart is real: a new chronyd on the new file; the clients use the two servers and one is selected
    expect(admin.chronydPid('adm-server1')).not.toBe(oldPid);
    for (const h of CLIENTS) {
      const sources = await admin.sources(h);
      expect(sources.map(([, address]) => address).sort(), h).toEqual([`${NET}.201`, `${NET}.202`]);
      expect(
        sources.some(([state]) => state === '*'),
        h,
      ).toBe(true);
    }
  });

  it('a second run changes nothing and restarts nothing; the plan is then empty', async () => {
    const pids = Object.fromEntries([...SERVERS, ...CLIENTS].map((h) => [h, admin.chronydPid(h)]));
    const before = hostState();
    const { summary } = await run(ntpSetupTask);
    expect(summary).toMatch(/^NTP setup of ntp_servers and ntp_clients: 2 failed, 4 unchanged\n/);
    expect(summary).toMatch(/➖ adm-client2 \(client\) unchanged\n {4}✅ adm-client2: in sync/);
    expect(hostState()).toEqual(before);
    for (const h of [...SERVERS, ...CLIENTS]) expect(admin.chronydPid(h), h).toBe(pids[h]);

    const again = await plan(ntpSetupTask, 'ntp_servers');
    expect(again.empty).toBe(true);
    expect(again.message.text).toContain('0 to change, 2 unchanged');
    expect(again.message.text).toContain('firewalld already allows ntp (UDP 123)');
  });
});

/** A remote command as the test's own, e.g. to stop a daemon behind labops' back. */
async function onHost(name: string, command: string): Promise<void> {
  const host = inventory.hosts.get(name);
  if (!host) throw new Error(`no host ${name}`);
  const r = await ssh.exec(host, command);
  if (r.code !== 0) throw new Error(`${name}: ${command}: ${r.stderr}`);
}

describe('/lab ntp setup when the time servers are down', () => {
  it('a client that cannot reach its time servers is a failure, with the reason', async () => {
    await onHost('adm-server1', 'systemctl stop chronyd');
    await onHost('adm-server2', 'systemctl stop chrony');
    await onHost('adm-client2', 'systemctl stop chrony');
    // a shorter wait than the inventory's 20 s, for this test only
    const hosts = new Map(inventory.hosts);
    const client = hosts.get('adm-client2');
    if (!client) throw new Error('no adm-client2');
    hosts.set('adm-client2', { ...client, vars: { ...client.vars, ntp_verify_timeout_s: 3 } });
    try {
      const { summary, result } = await run(ntpSetupTask, 'adm-client2', { ...inventory, hosts });
      expect(summary).toMatch(/^NTP setup of host adm-client2: 1 failed\n/);
      expect(summary).toMatch(
        /❌ adm-client2 \(client\) failed after: restarted chrony \(it is inactive\)\n {4}no time source selected after \d\.\d s: all 2 sources unreachable \(127\.0\.7\.201 reach 0, 127\.0\.7\.202 reach 0\)\. Check the time servers answer on UDP 123/,
      );
      expect(summary).toMatch(/🟠 adm-client2: not synchronised: all 2 sources unreachable/);
      expect(result).toMatchObject({
        hosts: [{ host: 'adm-client2', outcome: 'failed', state: 'unsynchronised' }],
      });
    } finally {
      await onHost('adm-server1', 'systemctl start chronyd');
      await onHost('adm-server2', 'systemctl start chrony');
    }
  });
});

describe('/lab host prep on the ntpAdmin lab', () => {
  it('plan shows what would change and changes nothing', async () => {
    const before = hostState();
    const p = await plan(hostPrepTask, 'adm-client1');
    expect(hostState()).toEqual(before);
    expect(p).toMatchObject({ hosts: ['adm-client1'], empty: false });
    expect(p.message.text).toContain('adm-client1 · getenforce: Enforcing');
    expect(p.message.text).toContain('• switch SELinux to permissive now (setenforce 0)');
    expect(p.message.text).toContain('-SELINUX=enforcing\n+SELINUX=permissive');
  });

  it('sets SELinux permissive now and in the config, reports getenforce before and after; a second run is unchanged', async () => {
    const first = await run(hostPrepTask, 'all');
    expect(first.summary).toMatch(/🔧 adm-client1 changed · getenforce Enforcing → Permissive/);
    expect(first.summary).toMatch(/➖ adm-server2 unchanged · getenforce no SELinux → no SELinux/);
    expect(first.summary).toMatch(
      /❌ adm-nosudo failed · getenforce Enforcing → Enforcing\n {4}sudo refused .*a password is required/,
    );
    expect(first.summary).toMatch(/❌ adm-off failed\n {4}unreachable: connection refused/);
    expect(admin.changes('adm-client1').slice(-1)).toEqual(['setenforce 0']);
    expect(readFileSync(admin.stateFile('adm-client1', 'selinux'), 'utf8')).toBe('Permissive\n');
    expect(etc('adm-client1', '/etc/selinux/config')).toMatch(/^SELINUX=permissive$/m);
    expect(etc('adm-client1', '/etc/selinux/config')).toMatch(/^SELINUXTYPE=targeted$/m);
    expect(etc('adm-client1', '/etc/selinux/config.labops.bak')).toMatch(/^SELINUX=enforcing$/m);
    expect(admin.changes('adm-nosudo')).toEqual([]);
    expect(readFileSync(admin.stateFile('adm-nosudo', 'selinux'), 'utf8')).toBe('Enforcing\n');

    const before = hostState();
    const second = await run(hostPrepTask, 'adm-client1');
    expect(second.summary).toMatch(/➖ adm-client1 unchanged · getenforce Permissive → Permissive/);
    expect(hostState()).toEqual(before);
  });
});

describe('through the console adapter: the whole plan, confirm and run flow', () => {
  it('/lab ntp plan previews; /lab ntp setup shows its plan, runs after "yes", and reports', async () => {
    // the time servers set up (already, when the tests above ran), then one of them stopped behind labops' back
    await run(ntpSetupTask, 'ntp_servers');
    await onHost('adm-server1', 'systemctl stop chronyd');
    // the suite's Redis (global setup), or one of our own when this file runs alone
    const provided = inject('redisUrl') as string | undefined;
    const redisServer = provided
      ? { url: provided, stop: async () => {} }
      : await ensureRedis(process.env.REDIS_URL);
    const prefix = `labops-ntp-setup-${randomUUID().slice(0, 8)}`;
    const config = loadConfig({
      REDIS_URL: redisServer.url,
      LAB_INVENTORY: admin.inventoryPath,
      LAB_KNOWN_HOSTS: lab.knownHostsPath,
      LAB_QUEUE_PREFIX: prefix,
      LAB_SSH_CONNECT_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    let out = '';
    const stdin = new PassThrough();
    // imported here: the composition root pulls in every task, and a problem there should fail this test only
    const { startLabops } = await import('../../src/main.js');
    const labops = await startLabops(config, 'all', { stdin, stdout: { write: (t: string) => (out += t) } });
    try {
      stdin.end('/lab ntp plan ntp_servers\n/lab ntp setup adm-server1\nyes\n');
      await labops.consoleDone;
    } finally {
      await labops.stop();
      const redis = new Redis(redisServer.url);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await redisServer.stop();
    }
    if (process.env.LABOPS_TEST_LOG === '1') console.log(out);
    expect(out).toMatch(
      /NTP setup plan for group ntp_servers: 1 to change, 1 unchanged[\s\S]*• restart chronyd \(it is inactive\)[\s\S]*Preview only: nothing was changed\./,
    );
    expect(out).toMatch(/NTP setup plan for host adm-server1: 1 to change[\s\S]*Apply this plan\?/);
    expect(out).toMatch(
      /NTP setup of host adm-server1: 1 changed\n🔧 adm-server1 \(time server\) changed: restarted chronyd \(it is inactive\)\n {4}✅ adm-server1: in sync, serving local clock, stratum 3/,
    );
    expect(admin.changes('adm-server1').slice(-2)).toEqual([
      'systemctl stop chronyd',
      'systemctl restart chronyd',
    ]);
    expect(admin.chronydPid('adm-server1')).toBeDefined();
  });
});
