import { describe, expect, it } from 'vitest';
import { errorStatus, type NtpHostStatus } from '../../../src/tasks/chrony/classify.js';
import { renderLargeProgress, renderLargeSummary } from '../../../src/tasks/ntp-status/render-large-check.js';
import { renderNtpTableCsv } from '../../../src/tasks/ntp-status/render-table-csv.js';
import { slackLimitBreaches } from '../../support/slack-limits.js';

const ok = (host: string): NtpHostStatus => ({
  host,
  state: 'ok',
  offsetSeconds: -0.00000139,
  stratum: 4,
  selected: {
    mode: 'server',
    state: 'selected',
    address: '127.0.0.41',
    stratum: 3,
    poll: -2,
    reach: 255,
    reachRaw: '377',
    lastRxSeconds: 1,
    offsetSeconds: 5.88e-7,
    measuredOffsetSeconds: 5.85e-7,
    errorSeconds: 3.897e-6,
  } as NtpHostStatus['selected'],
});

/** 5000 hosts: most in sync, some drifting, unsynchronised and failing with long host-made messages. */
function fleet(n = 5000): NtpHostStatus[] {
  return Array.from({ length: n }, (_, i) => {
    const host = `compute-${String(i).padStart(5, '0')}.rack${i % 40}.lab.example.org`;
    if (i % 50 === 7)
      return errorStatus(host, 'unreachable', `connection refused ${'x'.repeat(400)}`, 'Check sshd.');
    if (i % 50 === 9) return errorStatus(host, 'daemon-down', 'chronyd does not answer', 'Start it.');
    if (i % 25 === 3)
      return { host, state: 'critical', offsetSeconds: 3, reason: 'clock 3.0 s slow of NTP time' };
    if (i % 40 === 5)
      return { host, state: 'unsynchronised', reason: 'all 1 sources unreachable', hint: 'Check.' };
    return ok(host);
  });
}

describe('the summary of a large check', () => {
  const statuses = fleet();
  const m = renderLargeSummary(statuses, 'all hosts', 12_345, { attached: 'ntp-status-all-hosts.csv' });

  it('fits Slack whatever the number of hosts', () => {
    expect(slackLimitBreaches(m)).toEqual([]);
    expect(m.text.length).toBeLessThan(8000);
  });

  it('counts by state and errors by cause, lists the worst hosts first, and says where every host is', () => {
    const lines = m.text.split('\n');
    expect(lines[0]).toBe(
      'NTP status of all hosts: 4475 in sync, 200 drifting, 125 not synchronised, 200 errors',
    );
    expect(lines[1]).toBe('Errors: 100 unreachable, 100 chronyd down.');
    expect(lines[2]).toMatch(/^❌ compute-\d{5}/);
    expect(lines.filter((l) => /^(❌|🟠|🔴|⚠️|✅) /.test(l)).length).toBeLessThanOrEqual(25);
    expect(m.text).toMatch(/^…and \d+ more hosts not in sync: /m);
    expect(lines.at(-1)).toMatch(/attached in the thread \(ntp-status-all-hosts\.csv\)/);
  });

  it('says so when the table could not be attached', () => {
    const failed = renderLargeSummary(statuses, 'all', 1000, { failed: 'file_upload_failed' });
    expect(failed.text).toMatch(/could not be attached \(file_upload_failed\)/);
  });

  it('says every host is in sync when they are, and lists none', () => {
    const good = renderLargeSummary(
      Array.from({ length: 300 }, (_, i) => ok(`h${i}`)),
      'all',
      1000,
      { none: true },
    );
    expect(good.text.split('\n')).toHaveLength(2);
    expect(good.text).toMatch(/Every host is in sync\./);
  });
});

describe('the progress of a large check', () => {
  it('stays small however many hosts are done', () => {
    const m = renderLargeProgress(5000, fleet(), 'all hosts');
    expect(slackLimitBreaches(m)).toEqual([]);
    expect(m.text.length).toBeLessThan(6000);
    expect(m.text.split('\n')[0]).toBe(
      'Checking 5000 hosts (all hosts)… 5000/5000 done: 4475 in sync, 200 drifting, 125 not synchronised, 200 errors',
    );
    expect(renderLargeProgress(5000, [], 'all').text).toBe('Checking 5000 hosts (all)… 0/5000 done');
  });
});

describe('the table of every host (CSV)', () => {
  it('has one row per host, worst first, quoting what needs it', () => {
    const csv = renderNtpTableCsv([
      ok('web-1'),
      errorStatus('db-1', 'command-failed', 'chronyc said "no", then\nmore', 'Look, then retry.'),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'host,state,offset_seconds,selected_source,stratum,reach,problem,detail,next_step',
      'db-1,error,,,,,chronyc failed,"chronyc said ""no"", then more","Look, then retry."',
      'web-1,in sync,-0.00000139,127.0.0.41,3,377,,,',
      '',
    ]);
  });

  it('keeps host output from running as a spreadsheet formula, and cuts a flood', () => {
    const csv = renderNtpTableCsv([
      errorStatus('h', 'command-failed', `=HYPERLINK("x")${'y'.repeat(5000)}`, '@ok'),
    ]);
    const row = csv.split('\r\n')[1] ?? '';
    expect(row).toContain(`"'=HYPERLINK(""x"")`);
    expect(row).toContain(",'@ok");
    expect(row.length).toBeLessThan(700);
  });

  it('holds 5000 hosts in well under a megabyte', () => {
    const csv = renderNtpTableCsv(fleet());
    expect(csv.split('\r\n')).toHaveLength(5002);
    expect(Buffer.byteLength(csv)).toBeLessThan(1024 * 1024);
  });
});
