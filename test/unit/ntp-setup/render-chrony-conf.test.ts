import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NtpVars } from '../../../src/tasks/ntp-setup/ntp-vars.js';
import { MANAGED_HEADER, renderChronyConf } from '../../../src/tasks/ntp-setup/render-chrony-conf.js';

/** A fixture without its first (note) line. */
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/chrony-conf/${name}`, import.meta.url), 'utf8').replace(/^.*\n/, '');

// the runbook author's annotations in Korean are notes to the reader, not configuration
const withoutAnnotations = (conf: string) =>
  conf.replace('  # 시간오차치를 보존해두는 파일정보', '').replace(/^# restrict 127\.xxx.*\n/m, '');

describe('renderChronyConf', () => {
  it("writes the runbook's time server file, with labops' header first", () => {
    const text = renderChronyConf({
      role: 'server',
      upstreams: [{ kind: 'pool', address: '2.pl.pool.ntp.org' }],
      allow: ['192.168.0.0/16'],
      localStratum: 3,
      options: [],
    });
    expect(text).toBe(`${MANAGED_HEADER}\n${withoutAnnotations(fixture('runbook-time-server.conf'))}`);
  });

  it('writes the client variant: server lines for the time servers, no allow, no local stratum', () => {
    const text = renderChronyConf({
      role: 'client',
      servers: ['192.168.178.44', '192.168.178.45'],
      options: [],
    });
    expect(text).toBe(`${MANAGED_HEADER}\n${fixture('runbook-client.conf')}`);
    expect(text).not.toMatch(/^(allow|local|pool)\b/m);
  });

  it('adds the per-host server options to every source line, after iburst', () => {
    const opts = NtpVars.parse({ ntp_server_options: 'minpoll -2 maxpoll -2 iburst' }).ntp_server_options;
    const client = renderChronyConf({
      role: 'client',
      servers: ['127.0.7.201', '127.0.7.202'],
      options: opts,
    });
    expect(client.split('\n').filter((l) => l.startsWith('server'))).toEqual([
      'server 127.0.7.201 iburst minpoll -2 maxpoll -2',
      'server 127.0.7.202 iburst minpoll -2 maxpoll -2',
    ]);
    const server = renderChronyConf({
      role: 'server',
      upstreams: NtpVars.parse({
        ntp_upstreams: ['time.bora.net', '2.pool.ntp.org', { pool: 'kr.example.org' }],
      }).ntp_upstreams,
      allow: ['10.0.0.0/8', '192.168.0.0/16'],
      localStratum: 5,
      options: ['maxpoll', '10'],
    });
    expect(server).toMatch(
      /^server time\.bora\.net iburst maxpoll 10\npool 2\.pool\.ntp\.org iburst maxpoll 10\npool kr\.example\.org iburst maxpoll 10\n\n/m,
    );
    expect(server).toContain('allow 10.0.0.0/8\nallow 192.168.0.0/16\n');
    expect(server).toContain('\nlocal stratum 5\n');
  });

  it('a time server without upstreams serves its local clock only', () => {
    const text = renderChronyConf({
      role: 'server',
      upstreams: [],
      allow: ['127.0.0.0/8'],
      localStratum: 3,
      options: [],
    });
    expect(text).not.toMatch(/^(pool|server) /m);
    expect(text).toContain('local stratum 3');
  });
});
