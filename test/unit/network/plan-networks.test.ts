import { describe, expect, it } from 'vitest';
import type { NeutronState } from '../../../src/tasks/controller/neutron-state.js';
import { desiredNetworks } from '../../../src/tasks/network/desired-networks.js';
import { planNetworks } from '../../../src/tasks/network/plan-networks.js';
import { runbookState } from './fixtures.js';

const desired = desiredNetworks({}, 'controller');
const EMPTY: NeutronState = { networks: [], subnets: [], routers: [] };
const kinds = (state: NeutronState) => planNetworks(state, desired).map((a) => `${a.kind} ${a.what}`);

describe('planNetworks', () => {
  it('from nothing: every piece, in the order the runbook makes them', () => {
    expect(kinds(EMPTY)).toEqual([
      'create network ext1',
      'create subnet subext1',
      'create network int1',
      'create subnet subint1',
      'create router router1',
      'create gateway of router1',
      'create interface of router1 on subint1',
    ]);
    const [ext1, subext1] = planNetworks(EMPTY, desired);
    expect(ext1?.detail).toBe('external, flat on physical network extnet');
    expect(subext1?.detail).toBe(
      'on ext1: 10.0.0.0/24, gateway 10.0.0.2, DNS 10.0.0.2, DHCP off, pool 10.0.0.210-10.0.0.220',
    );
  });

  it('after setup (the real CLI captures): everything unchanged', () => {
    const actions = planNetworks(runbookState(), desired);
    expect(actions.map((a) => a.kind)).toEqual(Array(7).fill('unchanged'));
    expect(actions[5]?.detail).toBe('on ext1, 10.0.0.210');
    expect(actions[6]?.detail).toBe('port 192.168.0.254');
  });

  it('a subint1 with another CIDR is a conflict; the interface waits for it; the rest is unchanged', () => {
    const state = runbookState();
    state.subnets = state.subnets.map((s) =>
      s.name === 'subint1' ? { ...s, cidr: '192.168.1.0/24', gateway: '192.168.1.1' } : s,
    );
    const actions = planNetworks(state, desired);
    expect(actions[3]).toMatchObject({
      kind: 'conflict',
      what: 'subnet subint1',
      detail:
        'exists with CIDR 192.168.1.0/24 (want 192.168.0.0/24), gateway 192.168.1.1 (want 192.168.0.254)',
    });
    expect(actions[6]).toMatchObject({
      kind: 'blocked',
      detail: 'waits for subnet subint1, which conflicts',
    });
    expect(actions.filter((a) => a.kind === 'unchanged')).toHaveLength(5);
  });

  it('only the conflicting pre-existing subnet: the others are created around it, never over it', () => {
    const int1 = { id: 'n-int1', name: 'int1', external: false, subnetIds: ['s-int1'] };
    const state: NeutronState = {
      networks: [int1],
      subnets: [
        {
          id: 's-int1',
          name: 'subint1',
          networkId: 'n-int1',
          cidr: '192.168.0.0/24',
          gateway: '192.168.0.1',
          dhcp: true,
          dns: [],
          pools: [],
        },
      ],
      routers: [],
    };
    expect(kinds(state)).toEqual([
      'create network ext1',
      'create subnet subext1',
      'unchanged network int1',
      'conflict subnet subint1',
      'create router router1',
      'create gateway of router1',
      'blocked interface of router1 on subint1',
    ]);
    expect(planNetworks(state, desired)[3]?.detail).toBe(
      'exists with gateway 192.168.0.1 (want 192.168.0.254), DNS none (want 10.0.0.2)',
    );
  });

  it('an ext1 that is internal, or on another physical network, conflicts and blocks what needs it', () => {
    const state = runbookState();
    state.networks = state.networks.map((n) =>
      n.name === 'ext1' ? { ...n, external: false, physicalNetwork: 'physnet1' } : n,
    );
    const actions = planNetworks(state, desired);
    expect(actions[0]).toMatchObject({
      kind: 'conflict',
      detail: 'exists but is internal, want external; is on physical network physnet1, want extnet',
    });
    expect(actions[1]?.kind).toBe('unchanged'); // subext1 itself is as wanted
    expect(actions[5]).toMatchObject({ kind: 'blocked', detail: 'waits for network ext1, which conflicts' });
  });

  it('a missing ext1 whose subnet name is taken elsewhere: the subnet conflicts, the gateway waits', () => {
    const state = runbookState();
    const ext1 = state.networks.find((n) => n.name === 'ext1');
    state.networks = state.networks.map((n) => (n === ext1 ? { ...n, name: 'public' } : n));
    state.routers = [];
    const actions = planNetworks(state, desired);
    expect(actions[0]?.kind).toBe('create');
    expect(actions[1]).toMatchObject({
      kind: 'conflict',
      detail: 'belongs to network public, not ext1',
    });
    expect(actions[5]).toMatchObject({
      kind: 'blocked',
      detail: 'waits for subnet subext1, which conflicts',
    });
  });

  it('two networks of one name: a conflict, labops cannot tell which is meant', () => {
    const state = runbookState();
    const int1 = state.networks.find((n) => n.name === 'int1');
    if (int1) state.networks.push({ ...int1, id: 'other-int1' });
    expect(planNetworks(state, desired)[2]).toMatchObject({
      kind: 'conflict',
      detail: '2 networks are named int1; labops cannot tell which one is meant',
    });
  });

  it('a router whose gateway is on another network, or a subint1 already on another router', () => {
    const state = runbookState();
    const [router] = state.routers;
    if (!router) throw new Error('fixture has router1');
    state.networks.push({ id: 'n-pub', name: 'public', external: true, subnetIds: [] });
    state.routers = [
      { ...router, gateway: { networkId: 'n-pub', ips: ['172.24.4.5'] }, interfaces: [] },
      { ...router, id: 'r2', name: 'edge' },
    ];
    const actions = planNetworks(state, desired);
    expect(actions[5]).toMatchObject({ kind: 'conflict', detail: 'is on network public, want ext1' });
    expect(actions[6]).toMatchObject({
      kind: 'conflict',
      detail: 'subint1 is already attached to router edge',
    });
  });

  it('a router without a gateway or interface gets them', () => {
    const state = runbookState();
    state.routers = state.routers.map((r) => ({ ...r, gateway: null, interfaces: [] }));
    expect(kinds(state).slice(4)).toEqual([
      'unchanged router router1',
      'create gateway of router1',
      'create interface of router1 on subint1',
    ]);
  });
});
