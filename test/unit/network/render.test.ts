import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { renderFailure } from '../../../src/tasks/controller/failure.js';
import type { NeutronState } from '../../../src/tasks/controller/neutron-state.js';
import { desiredNetworks } from '../../../src/tasks/network/desired-networks.js';
import { planNetworks } from '../../../src/tasks/network/plan-networks.js';
import { renderNetworkCheck } from '../../../src/tasks/network/render-network-check.js';
import { renderNetworkList } from '../../../src/tasks/network/render-network-list.js';
import { renderSetupPlan, renderSetupProgress } from '../../../src/tasks/network/render-setup.js';
import { runbookState } from './fixtures.js';

const blockTexts = (blocks: KnownBlock[] | undefined) =>
  (blocks ?? []).map((b) => {
    if ('text' in b && b.text && typeof b.text !== 'string') return b.text.text;
    if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : '')).join(' ');
    return JSON.stringify(b);
  });

describe('renderNetworkList', () => {
  it('a table of networks with their subnets, then routers with gateway and interfaces', () => {
    const m = renderNetworkList('controller', runbookState());
    expect(m.text.split('\n')).toEqual([
      'Networks on controller: 2 networks (1 external), 2 subnets, 1 router',
      '',
      'network  external  subnet   CIDR            gateway        DHCP  allocation pool',
      'ext1     yes       subext1  10.0.0.0/24     10.0.0.2       off   10.0.0.210-10.0.0.220',
      'int1     no        subint1  192.168.0.0/24  192.168.0.254  on    192.168.0.1-192.168.0.253',
      '',
      'router   external gateway  interfaces',
      'router1  ext1 10.0.0.210   subint1 192.168.0.254',
    ]);
    const [networks, routers] = blockTexts(m.blocks);
    expect(networks).toMatch(/^\*Networks on controller\*: 2 networks.*\n```\nnetwork {2}external/);
    expect(routers).toMatch(/^\*Routers\*\n```\nrouter {3}external gateway/);
  });

  it('networks without subnets, routers without gateway or interfaces', () => {
    const state: NeutronState = {
      networks: [{ id: 'n1', name: 'lonely', external: false, subnetIds: [] }],
      subnets: [],
      routers: [{ id: 'r1', name: 'bare', gateway: null, interfaces: [] }],
    };
    const lines = renderNetworkList('controller', state).text.split('\n');
    expect(lines).toContain('lonely   no        –');
    expect(lines).toContain('bare    none              none');
  });

  it('says how to start when there is nothing', () => {
    expect(renderNetworkList('controller', { networks: [], subnets: [], routers: [] }).text).toBe(
      "Networks on controller: none yet. `/lab network setup` creates the runbook's ext1, int1 and router1.",
    );
  });

  it('names from Neutron cannot break out of the code block or mention anyone', () => {
    const state: NeutronState = {
      networks: [{ id: 'n1', name: '<!channel> ```x``` \n*bold*', external: true, subnetIds: [] }],
      subnets: [],
      routers: [],
    };
    const [block] = blockTexts(renderNetworkList('controller', state).blocks);
    expect(block).not.toContain('<!channel>');
    expect(block?.match(/```/g)).toHaveLength(2);
    expect(block).toContain("&lt;!channel&gt; '''x''' ?*bold*");
  });

  it('thousands of networks and routers stay within Slack limits, and say how many rows are left out', () => {
    const state: NeutronState = {
      networks: Array.from({ length: 1000 }, (_, i) => ({
        id: `n${i}`,
        name: `net-${i}`,
        external: false,
        subnetIds: [],
      })),
      subnets: [],
      routers: Array.from({ length: 500 }, (_, i) => ({
        id: `r${i}`,
        name: `router-${i}`,
        gateway: null,
        interfaces: [],
      })),
    };
    const { blocks = [], text } = renderNetworkList('controller', state);
    const texts = blockTexts(blocks);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join('').length).toBeLessThan(12000);
    expect(text.length).toBeLessThan(40000);
    expect(texts.filter((t) => /^…and \d+ more rows, not shown here\.$/.test(t))).toHaveLength(2);
  });
});

describe('renderSetupPlan', () => {
  const desired = desiredNetworks({}, 'controller');

  it('lists every create and the exact commands, in order', () => {
    const m = renderSetupPlan(
      'controller',
      planNetworks({ networks: [], subnets: [], routers: [] }, desired),
    );
    expect(m.text).toMatch(
      /^Network setup on controller: 7 to create\n➕ create network ext1 \(external, flat on physical network extnet\)/,
    );
    const commands = blockTexts(m.blocks).find((t) => t.startsWith('Commands'));
    expect(commands).toContain(
      'openstack subnet create --network ext1 --subnet-range 10.0.0.0/24 --gateway 10.0.0.2 --dns-nameserver 10.0.0.2 --no-dhcp --allocation-pool start=10.0.0.210,end=10.0.0.220 subext1',
    );
    expect(commands).toContain('openstack router add subnet router1 subint1');
  });

  it('nothing to create: says so, with the conflicts and what to do about them', () => {
    const state = runbookState();
    state.subnets = state.subnets.map((s) => (s.name === 'subint1' ? { ...s, dhcp: false } : s));
    const m = renderSetupPlan('controller', planNetworks(state, desired));
    expect(m.text).toContain(
      'Network setup on controller: nothing to create (5 unchanged, 1 conflict, 1 skipped)',
    );
    expect(m.text).toContain('⚠️ conflict, subnet subint1: exists with DHCP off (want on)');
    expect(m.text).toContain('labops never changes what exists');
    expect(blockTexts(m.blocks).some((t) => t.startsWith('Commands'))).toBe(false);
  });

  it('progress and result: created, failed with why, and what was not run after it', () => {
    const actions = planNetworks({ networks: [], subnets: [], routers: [] }, desired);
    const entries = actions.map((action, i) => ({
      action,
      outcome: i < 2 ? ('created' as const) : i === 2 ? ('failed' as const) : ('not-run' as const),
      error: i === 2 ? 'openstack network create failed on controller (exit 1): Quota exceeded' : undefined,
    }));
    const m = renderSetupProgress('controller', entries, true);
    expect(m.text.split('\n').slice(0, 5)).toEqual([
      'Network setup on controller: failed (2 created)',
      '🆕 created network ext1 (external, flat on physical network extnet)',
      '🆕 created subnet subext1 (on ext1: 10.0.0.0/24, gateway 10.0.0.2, DNS 10.0.0.2, DHCP off, pool 10.0.0.210-10.0.0.220)',
      '❌ failed to create network int1: openstack network create failed on controller (exit 1): Quota exceeded.',
      '⏹️ not created, subnet subint1: stopped after the failure above',
    ]);
    const running = renderSetupProgress(
      'controller',
      [{ action: actions[0] as (typeof actions)[number], outcome: 'running' }],
      false,
    );
    expect(running.text).toMatch(/^Network setup on controller: creating… 0\/1\n⏳ creating network ext1/);
  });
});

describe('renderNetworkCheck and renderFailure', () => {
  it('problems first, each with what to do, under a count', () => {
    const m = renderNetworkCheck('controller', [
      { state: 'ok', text: 'br-ex has 10.0.0.100/24' },
      { state: 'problem', text: 'conflict: ens33 still has 10.0.0.100', hint: 'Remove it' },
      { state: 'unknown', text: 'ovs: Open vSwitch does not answer', hint: 'Start it' },
    ]);
    expect(m.text.split('\n')).toEqual([
      'Network check on controller: 1 problem, 1 not checked, 1 ok',
      '❌ conflict: ens33 still has 10.0.0.100. Remove it.',
      '❓ ovs: Open vSwitch does not answer. Start it.',
      '✅ br-ex has 10.0.0.100/24',
    ]);
    expect(renderNetworkCheck('controller', [{ state: 'ok', text: 'fine' }]).text).toMatch(
      /: all 1 checks pass/,
    );
  });

  it('a failure says what happened and what to do next', () => {
    const m = renderFailure('Networks on controller', {
      message: 'authentication failed on controller: (HTTP 401)',
      hint: 'Check keystonerc_admin',
    });
    expect(m.text).toBe(
      'Networks on controller: failed\n❌ authentication failed on controller: (HTTP 401). Check keystonerc_admin.',
    );
  });
});
