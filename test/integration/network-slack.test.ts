// /lab network list|setup|check over signed Slack requests, against a lab with an OpenStack controller whose
// real `openstack` CLI talks to the fake Keystone/Neutron, and whose ip/ovs-vsctl replay captured output.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PID_PREFIX } from '../../src/ssh/remote-process.js';
import { type Lab, startLab } from '../lab/index.js';
import { type FakeOpenstack, startFakeOpenstack } from '../support/fake-openstack.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack.js';
import { postInteraction, postSlashCommand, SLACK_IDS } from '../support/slack-request.js';
import { startTestLabops, type TestLabops } from './start-labops.js';

const SECRET = 'test-signing-secret-network';
const ADMIN = SLACK_IDS.userId;
const dir = join(tmpdir(), 'labops-network-lab');

let openstack: FakeOpenstack;
let lab: Lab;
let slack: FakeSlack;
let labops: TestLabops;
let events: string;

beforeAll(async () => {
  openstack = await startFakeOpenstack();
  lab = await startLab({ dir, net: '127.0.5', controller: { authUrl: openstack.authUrl } });
  slack = await startFakeSlack();
  labops = await startTestLabops({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    LAB_INVENTORY: lab.inventoryPath,
    LAB_KNOWN_HOSTS: lab.knownHostsPath,
    LAB_ADMINS: ADMIN,
  });
  events = `http://127.0.0.1:${labops.httpPort}/slack/events`;
}, 90_000);

afterAll(async () => {
  await labops?.close();
  await slack?.close();
  await lab?.stop();
  await openstack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const controller = () => {
  if (!lab.controller) throw new Error('the lab was started without a controller');
  return lab.controller;
};

async function slash(text: string): Promise<void> {
  const res = await postSlashCommand(events, SECRET, {
    text,
    response_url: slack.responseUrl({ channel: SLACK_IDS.channelId }),
  });
  expect(res.status).toBe(200);
}

/** The first message text (posted or updated) that matches, e.g. a task's final summary. */
async function seen(pattern: RegExp, timeoutMs = 30_000): Promise<RecordedCall> {
  return slack.waitFor(
    (c) =>
      (c.method === 'chat.update' || c.method === 'chat.postMessage') && pattern.test(String(c.args.text)),
    timeoutMs,
  );
}

const buttons = (call: RecordedCall) =>
  ((call.args.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);

/** /lab network setup: waits for the plan that matches; returns the message with its Confirm button. */
async function planSetup(plan: RegExp): Promise<RecordedCall> {
  await slash('network setup');
  return seen(plan);
}

/** The admin clicks Confirm on a plan; waits for the run's result. */
async function confirm(planned: RecordedCall, result: RegExp): Promise<string> {
  const button = buttons(planned).find((b) => b.action_id === 'labops_confirm');
  expect(button?.value).toBeDefined();
  const res = await postInteraction(events, SECRET, {
    actions: [{ action_id: 'labops_confirm', block_id: 'labops_plan', type: 'button', value: button?.value }],
    message_ts: String(planned.args.ts),
    channel_id: SLACK_IDS.channelId,
  });
  expect(res.status).toBe(200);
  return String((await seen(result, 60_000)).args.text);
}

async function setupConfirmed(plan: RegExp, result: RegExp): Promise<{ plan: string; result: string }> {
  const planned = await planSetup(plan);
  return { plan: String(planned.args.text), result: await confirm(planned, result) };
}

describe('/lab network, against a controller running the real openstack CLI', () => {
  it('lists an empty Neutron, and says what would fill it', async () => {
    slack.reset();
    await slash('network list');
    const done = await seen(/^Networks on controller/);
    expect(done.args.text).toBe(
      "Networks on controller: none yet. `/lab network setup` creates the runbook's ext1, int1 and router1.",
    );
  });

  it("setup from nothing: plan, an admin's Confirm, then the runbook's networks; a second run changes nothing", async () => {
    slack.reset();
    const first = await setupConfirmed(
      /^Network setup on controller: 7 to create/,
      /^Network setup on controller: (done|failed)/,
    );
    expect(first.plan).toContain(
      'openstack subnet create --network ext1 --subnet-range 10.0.0.0/24 --gateway 10.0.0.2 --dns-nameserver 10.0.0.2 --no-dhcp --allocation-pool start=10.0.0.210,end=10.0.0.220 subext1',
    );
    expect(first.result.split('\n')[0]).toBe('Network setup on controller: done (7 created)');

    const { networks, subnets, routers, ports } = openstack.store;
    const ext1 = networks.find((n) => n.name === 'ext1');
    expect(ext1).toMatchObject({
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'extnet',
    });
    expect(subnets.find((s) => s.name === 'subext1')).toMatchObject({
      network_id: ext1?.id,
      cidr: '10.0.0.0/24',
      gateway_ip: '10.0.0.2',
      dns_nameservers: ['10.0.0.2'],
      enable_dhcp: false,
      allocation_pools: [{ start: '10.0.0.210', end: '10.0.0.220' }],
    });
    const subint1 = subnets.find((s) => s.name === 'subint1');
    expect(subint1).toMatchObject({ cidr: '192.168.0.0/24', gateway_ip: '192.168.0.254', enable_dhcp: true });
    const [router1] = routers;
    expect(routers).toHaveLength(1);
    expect(router1).toMatchObject({ name: 'router1', external_gateway_info: { network_id: ext1?.id } });
    expect(
      ports.filter((p) => p.device_id === router1?.id && p.device_owner === 'network:router_interface'),
    ).toMatchObject([{ fixed_ips: [{ subnet_id: subint1?.id, ip_address: '192.168.0.254' }] }]);

    // idempotent: the same command again finds everything in place, and offers nothing to confirm
    slack.reset();
    const requests = openstack.requests.length;
    await slash('network setup');
    const again = await seen(/^Network setup on controller: nothing to create/);
    expect(String(again.args.text)).toMatch(
      /^Network setup on controller: nothing to create \(7 unchanged\)/,
    );
    expect(String(again.args.text)).toContain('Nothing to change.');
    expect(buttons(again)).toEqual([]);
    const changes = openstack.requests
      .slice(requests)
      .filter((r) => r.method !== 'GET' && r.service === 'network');
    expect(changes).toEqual([]);
  }, 120_000);

  it('lists networks with subnets, CIDR, gateway, DHCP and pool, and the router with gateway and interface', async () => {
    slack.reset();
    await slash('network list');
    const done = await seen(/^Networks on controller: \d/);
    expect(String(done.args.text).split('\n')).toEqual([
      'Networks on controller: 2 networks (1 external), 2 subnets, 1 router',
      '',
      'network  external  subnet   CIDR            gateway        DHCP  allocation pool',
      'ext1     yes       subext1  10.0.0.0/24     10.0.0.2       off   10.0.0.210-10.0.0.220',
      'int1     no        subint1  192.168.0.0/24  192.168.0.254  on    192.168.0.1-192.168.0.253',
      '',
      'router   external gateway  interfaces',
      'router1  ext1 10.0.0.210   subint1 192.168.0.254',
    ]);
  }, 60_000);

  it('a pre-existing subint1 with other settings is reported as a conflict and left alone; the rest is made', async () => {
    openstack.reset();
    const int1 = openstack.store.createNetwork({ name: 'int1' });
    openstack.store.createSubnet({
      name: 'subint1',
      network_id: int1.id,
      cidr: '192.168.1.0/24',
      gateway_ip: '192.168.1.1',
    });
    slack.reset();
    const run = await setupConfirmed(
      /^Network setup on controller: 4 to create, 1 unchanged, 1 conflict, 1 skipped/,
      /^Network setup on controller: (done|failed)/,
    );
    expect(run.plan).toContain(
      '⚠️ conflict, subnet subint1: exists with CIDR 192.168.1.0/24 (want 192.168.0.0/24), gateway 192.168.1.1 (want 192.168.0.254), DNS none (want 10.0.0.2)',
    );
    expect(run.plan).toContain(
      '⏸️ skipped, interface of router1 on subint1: waits for subnet subint1, which conflicts',
    );
    expect(run.result.split('\n')[0]).toBe(
      'Network setup on controller: done (4 created, 1 unchanged, 1 conflict, 1 skipped)',
    );
    expect(run.result).toContain('labops never changes what exists');
    expect(openstack.store.subnets.find((s) => s.name === 'subint1')).toMatchObject({
      cidr: '192.168.1.0/24',
      gateway_ip: '192.168.1.1',
    });
    expect(openstack.store.ports.filter((p) => p.device_owner === 'network:router_interface')).toEqual([]);
  }, 120_000);

  it('re-checks what exists when confirmed, and stops at the first failure with why', async () => {
    openstack.reset();
    slack.reset();
    const planned = await planSetup(/^Network setup on controller: 7 to create/);
    // between the plan and the click: someone makes ext1 by hand, and the router quota runs out
    openstack.store.createNetwork({
      name: 'ext1',
      'router:external': true,
      'provider:network_type': 'flat',
      'provider:physical_network': 'extnet',
    });
    openstack.failNext('POST', '/v2.0/routers', {
      status: 409,
      type: 'OverQuota',
      message: "Quota exceeded for resources: ['router'].",
    });
    const result = (await confirm(planned, /^Network setup on controller: (done|failed)/)).split('\n');
    expect(result[0]).toBe('Network setup on controller: failed (3 created, 1 unchanged)');
    expect(result).toContain('✅ network ext1 unchanged (external, flat on physical network extnet)');
    expect(result.find((l) => l.startsWith('❌'))).toMatch(
      /^❌ failed to create router router1: openstack router create router1 failed on controller \(exit 1\): ConflictException: 409: .*Quota exceeded for resources: \['router'\]\. Run "\. ~\/keystonerc_admin && openstack router create router1" on controller to see the whole error\.$/,
    );
    expect(result.slice(-2)).toEqual([
      '⏹️ not created, gateway of router1: stopped after the failure above',
      '⏹️ not created, interface of router1 on subint1: stopped after the failure above',
    ]);
    expect(openstack.store.networks.filter((n) => n.name === 'ext1')).toHaveLength(1);
    expect(openstack.store.routers).toEqual([]);
  }, 120_000);

  it('a wrong password in keystonerc_admin: authentication failed on the controller, check keystonerc_admin', async () => {
    controller().writeKeystonerc({ authUrl: openstack.authUrl, password: 'not-the-password' });
    try {
      slack.reset();
      await slash('network list');
      const list = await seen(/^Networks on controller: failed/);
      expect(String(list.args.text)).toBe(
        'Networks on controller: failed\n❌ authentication failed on controller: The request you have made requires authentication. (HTTP 401). Keystone refused the credentials: check keystonerc_admin on controller (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_AUTH_URL).',
      );
      await slash('network setup');
      const plan = await seen(/^Network setup on controller: failed/);
      expect(String(plan.args.text)).toMatch(/authentication failed on controller: .*check keystonerc_admin/);
      expect(buttons(plan)).toEqual([]);
    } finally {
      controller().writeKeystonerc({ authUrl: openstack.authUrl });
    }
  }, 60_000);

  it('check on a good controller: br-ex has the address, OVS bridges and patch ports, agents alive', async () => {
    controller().setNetworkState('good');
    openstack.reset();
    slack.reset();
    await slash('network check');
    const done = await seen(/^Network check on controller/);
    expect(String(done.args.text).split('\n')).toEqual([
      'Network check on controller: all 6 checks pass',
      '✅ br-ex has 10.0.0.100/24',
      '✅ ens33 has no IPv4 address (br-ex has taken it over)',
      '✅ ovs: bridges br-ex, br-int and br-tun exist',
      '✅ ovs: patch ports patch-tun/patch-int and int-br-ex/phy-br-ex are paired',
      '✅ ovs: ens33 is a port of br-ex',
      '✅ Neutron agents: all 4 alive (on controller)',
    ]);
  }, 60_000);

  it('check on a broken controller: the ens33 conflict, missing bridges and a dead agent pointing to ntp status', async () => {
    controller().setNetworkState('broken');
    const l3 = openstack.store.agents.find((a) => a.binary === 'neutron-l3-agent');
    if (l3) l3.alive = false;
    try {
      slack.reset();
      await slash('network check');
      const done = await seen(/^Network check on controller/);
      const lines = String(done.args.text).split('\n');
      expect(lines[0]).toBe('Network check on controller: 5 problems, 1 ok');
      expect(lines).toContain(
        '❌ conflict: ens33 still has 10.0.0.100. Remove the address from ens33 (IPADDR in ifcfg-ens33) so that only br-ex has it, then restart the network.',
      );
      expect(lines.some((l) => l.startsWith('❌ br-ex has no IPv4 address.'))).toBe(true);
      expect(
        lines.some((l) => l.startsWith('❌ ovs: bridges br-int, br-tun missing (ovs-vsctl show has br-ex).')),
      ).toBe(true);
      expect(lines.find((l) => l.includes('neutron-l3-agent'))).toMatch(
        /^❌ Neutron agent L3 agent \(neutron-l3-agent\) on controller is dead\. .*`\/lab ntp status controller`/,
      );
    } finally {
      controller().setNetworkState('good');
    }
  }, 60_000);

  it('only ever ran fixed commands on the controller: openstack with admin credentials, ip, ovs-vsctl', () => {
    const logged = readFileSync(lab.commandLogPath('controller'), 'utf8').trim().split('\n');
    // every command carries the fixed prefix that reports its pid (so a timeout or cancel can kill it): the rest
    // is what the command was
    for (const line of logged) expect(line.startsWith(PID_PREFIX)).toBe(true);
    const log = logged.map((line) => line.slice(PID_PREFIX.length));
    expect(log.length).toBeGreaterThan(20);
    for (const line of log) {
      expect(line).toMatch(/^(\. ~\/keystonerc_admin && openstack [a-z]|ip -j addr show$|ovs-vsctl show$)/);
    }
    expect(log).toContain(
      '. ~/keystonerc_admin && openstack network create --external --provider-network-type flat --provider-physical-network extnet ext1 -f json',
    );
    expect(log).toContain('. ~/keystonerc_admin && openstack router add subnet router1 subint1');
  });
});
