import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/audit/audit-entry.js';
import { type LabCommands, labGate } from '../../../src/bot/lab-gate.js';
import { type Lab, labOfChannel, type Policy, type UserRole } from '../../../src/policy/policy.js';

const inventory = { hosts: new Map(), groups: new Map() };
const lab = (name: string, channels: Lab['channels'], alertChannel?: string): Lab => ({
  name,
  inventory,
  knownHostsPath: '/k',
  keyPrefix: `p:lab:${name}`,
  channels,
  ...(alertChannel && { alertChannel }),
  grants: {},
});
const alpha = lab('alpha', ['CALPHA'], 'CALERTA');
const beta = lab('beta', ['CBETA']);
const policy = (fromFile: boolean, labs: Lab[]): Policy => ({
  fromFile,
  labs: new Map(labs.map((l) => [l.name, l])),
  grants: {},
  defaultRole: 'none',
  commands: {},
  approvals: {},
});

/** A gate over labs that answer with their own name and what reached them; roles from a table. */
function gateOf(p: Policy, roles: Record<string, UserRole>) {
  const reached: string[] = [];
  const trails: Record<string, Omit<AuditEntry, 'at'>[]> = { global: [] };
  const commandsOf = (l: Lab): LabCommands => {
    trails[l.name] ??= [];
    const say = (what: string) => {
      reached.push(`${l.name}: ${what}`);
      return Promise.resolve({ kind: 'reply' as const, message: { text: `${l.name} answered ${what}` } });
    };
    return {
      handle: (text) => say(text),
      decide: (planId, _u, yes) => say(`${yes ? 'confirm' : 'cancel'} ${planId}`),
      cancelJob: (jobId) => say(`cancel ${jobId}`),
      alertAction: (actionId, host) => say(`${actionId} ${host}`),
      audit: { record: async (e) => void trails[l.name]?.push(e) },
    };
  };
  const gate = labGate({
    policy: () => p,
    commandsOf,
    roleOf: async (l, user) => roles[`${l.name}/${user}`] ?? 'none',
    labFor: (pol, channel) => labOfChannel(pol, channel),
    plans: { get: async (id) => (id === 'plan-b' ? ({ data: { lab: 'beta' } } as never) : undefined) },
    audit: { record: async (e) => void trails.global?.push(e) },
  });
  return { gate, reached, trails };
}

describe('the lab gate', () => {
  it('without a policy file every command goes to the one lab, unchecked, as before', async () => {
    const { gate, reached } = gateOf(policy(false, [lab('lab', 'any')]), {});
    await gate.handle('ntp setup', { user: 'UNOBODY', channel: 'D123' });
    await gate.decide('plan-x', 'UNOBODY', true);
    expect(reached).toEqual(['lab: ntp setup', 'lab: confirm plan-x']);
  });

  it("sends a command to its channel's lab when the role is enough; refuses and audits it in that lab otherwise", async () => {
    const { gate, reached, trails } = gateOf(policy(true, [alpha, beta]), {
      'alpha/UOP': 'operator',
      'beta/UOP': 'viewer',
    });
    await gate.handle('ntp setup ntp1', { user: 'UOP', channel: 'CALPHA' });
    const refused = await gate.handle('ntp setup ntp1', { user: 'UOP', channel: 'CBETA' });
    expect(reached).toEqual(['alpha: ntp setup ntp1']);
    expect(refused).toMatchObject({ kind: 'reply', outcome: 'refused: needs operator, has viewer' });
    expect(trails.beta).toEqual([
      expect.objectContaining({
        kind: 'refusal',
        user: 'UOP',
        text: '/lab ntp setup ntp1',
        outcome: 'refused: needs operator, has viewer',
      }),
    ]);
    expect(trails.alpha ?? []).toEqual([]);
  });

  it('answers a channel of no lab with the labs and their channels, audited in the global trail', async () => {
    const { gate, reached, trails } = gateOf(policy(true, [alpha, beta]), { 'alpha/UADM': 'admin' });
    const answer = await gate.handle('ntp status', { user: 'UADM', channel: 'D0DM' });
    expect(answer.kind === 'reply' && answer.message.text).toContain('• lab *alpha*: <#CALPHA>');
    expect(reached).toEqual([]);
    expect(trails.global).toEqual([expect.objectContaining({ outcome: 'refused: channel bound to no lab' })]);
  });

  it('lets bad text through to the lab (it says what is valid), and answers help itself', async () => {
    const { gate, reached, trails } = gateOf(policy(true, [alpha]), { 'alpha/UV': 'viewer' });
    await gate.handle('ntp stauts', { user: 'UV', channel: 'CALPHA' });
    const help = await gate.handle('help', { user: 'UV', channel: 'CALPHA' });
    expect(reached).toEqual(['alpha: ntp stauts']);
    expect(help.kind === 'reply' && help.message.text).toMatch(/You have the viewer role in this lab/);
    expect(trails.alpha).toEqual([expect.objectContaining({ kind: 'command', text: '/lab help' })]);
  });

  it("takes a Confirm to the plan's lab, and an alert's button to its alert channel's lab, role checked", async () => {
    const { gate, reached } = gateOf(policy(true, [alpha, beta]), { 'alpha/UV': 'viewer' });
    await gate.decide('plan-b', 'UV', true);
    await gate.alertAction('labops_alert_ack', 'ntp1', { user: 'UV', channel: 'CALERTA' });
    const silence = await gate.alertAction('labops_alert_silence_1h', 'ntp1', {
      user: 'UV',
      channel: 'CALERTA',
    });
    expect(reached).toEqual(['beta: confirm plan-b', 'alpha: labops_alert_ack ntp1']);
    expect(silence).toMatchObject({ outcome: 'refused: needs admin, has viewer' });
  });
});
