import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import { NtpVars, ntpVarsOf } from '../../../src/tasks/ntp-setup/ntp-vars.js';

const host = (vars: Record<string, unknown>): InventoryHost => ({
  name: 'h1',
  address: '10.0.0.1',
  port: 22,
  user: 'root',
  groups: ['ntp_servers'],
  vars,
});

describe('NtpVars (inventory variables of /lab ntp setup)', () => {
  it("defaults to the runbook's values", () => {
    expect(NtpVars.parse({ ansible_host: '10.0.0.1', other: 1 })).toEqual({
      ntp_upstreams: [{ kind: 'pool', address: '2.pool.ntp.org' }],
      ntp_allow: ['192.168.0.0/16'],
      ntp_local_stratum: 3,
      ntp_server_options: [],
      ntp_verify_timeout_s: 60,
    });
  });

  it('reads upstreams as names (pools under pool.ntp.org) or as { pool } / { server }', () => {
    expect(
      NtpVars.parse({
        ntp_upstreams: ['kr.pool.ntp.org', 'time.bora.net', '10.1.1.1', { server: 'x.pool.ntp.org' }],
      }).ntp_upstreams,
    ).toEqual([
      { kind: 'pool', address: 'kr.pool.ntp.org' },
      { kind: 'server', address: 'time.bora.net' },
      { kind: 'server', address: '10.1.1.1' },
      { kind: 'server', address: 'x.pool.ntp.org' },
    ]);
  });

  it('accepts chrony option words and numbers only in ntp_server_options', () => {
    expect(
      NtpVars.parse({ ntp_server_options: ' minpoll -2  maxpoll -2 prefer ' }).ntp_server_options,
    ).toEqual(['minpoll', '-2', 'maxpoll', '-2', 'prefer']);
    for (const bad of [
      'minpoll',
      'minpoll x',
      'iburst; reboot',
      'maxpoll 4\nallow all',
      'port $(id)',
      'foo 1',
    ]) {
      expect(NtpVars.safeParse({ ntp_server_options: bad }).success, bad).toBe(false);
    }
  });

  it('names the variable and the problem for the host', () => {
    expect(ntpVarsOf(host({ ntp_allow: ['192.168.1.5/16'] }))).toEqual({
      problem: expect.stringMatching(/^inventory variable ntp_allow\.0: must be the network address/),
    });
    expect(ntpVarsOf(host({ ntp_upstreams: ['bad name;rm'] }))).toEqual({
      problem: expect.stringMatching(/^inventory variable ntp_upstreams\.0/),
    });
    expect(ntpVarsOf(host({ chrony_conf_path: '/etc/../tmp/x' }))).toEqual({
      problem: expect.stringMatching(/^inventory variable chrony_conf_path: /),
    });
    expect(ntpVarsOf(host({ ntp_local_stratum: 16 }))).toEqual({
      problem: expect.stringMatching(/^inventory variable ntp_local_stratum/),
    });
    expect(
      ntpVarsOf(host({ chrony_conf_path: '/srv/chrony.conf', chrony_service: 'chronyd' })),
    ).toMatchObject({
      vars: { chrony_conf_path: '/srv/chrony.conf', chrony_service: 'chronyd' },
    });
  });
});
