import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/chat/message.js';
import { classifyNtp, errorStatus, type NtpHostStatus } from '../../../src/tasks/chrony/classify.js';
import { parseSourcesTable } from '../../../src/tasks/chrony/parse-sources-table.js';
import { parseTrackingText } from '../../../src/tasks/chrony/parse-tracking.js';
import {
  renderNtpProgress,
  renderNtpSummary,
  renderSourcesThread,
} from '../../../src/tasks/ntp-status/render-ntp-status.js';
import { sections } from './fixtures.js';

const T = { warnMs: 200, critMs: 500 };

/** A host's status from a capture's human reports, with the sources table it was read from, as the thread shows it. */
function fromCapture(host: string, file: string): NtpHostStatus {
  const all = [...sections(file)];
  const pick = (re: RegExp) => all.find(([k]) => re.test(k))?.[1] ?? '';
  const table = pick(/^chronyc (-n )?sources$/);
  const status = classifyNtp(
    host,
    parseTrackingText(pick(/^chronyc (-n )?tracking$/)),
    parseSourcesTable(table),
    T,
  );
  return { ...status, sourcesTable: table };
}

const OFF_HINT = 'Check that the host is up and sshd listens on that port.';
const lab = (): NtpHostStatus[] => [
  fromCapture('client-sync', 'modes.txt'),
  errorStatus('client-off', 'unreachable', 'connection refused (127.0.2.10:2222)', OFF_HINT),
  fromCapture('ntp-server', 'local-server.txt'),
  fromCapture('client-drift', 'drift.txt'),
  fromCapture('client-b', 'sync.txt'),
  fromCapture('client-unsync', 'unsync.txt'),
  errorStatus('client-nochrony', 'command-missing', 'chronyc is not installed', 'Install chrony.'),
];

function texts(blocks: readonly KnownBlock[] = []): string[] {
  return blocks.flatMap((b) => {
    if ((b.type === 'section' || b.type === 'header') && b.text) return [b.text.text];
    if (b.type === 'context')
      return b.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    return [];
  });
}

/** Slack's limits: 50 blocks, 3000 characters a section, 150 a header, and ~13.2k for all blocks together. */
function expectWithinSlackLimits(message: ChatMessage): void {
  const blocks = message.blocks ?? [];
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
  }
  expect(texts(blocks).join('').length).toBeLessThanOrEqual(12000);
}

describe('renderNtpSummary', () => {
  const message = renderNtpSummary(lab(), 'ntp_clients', 2345);

  it('gives a complete plain-text version: counts, one line per host worst first, where the tables are', () => {
    expect(message.text).toBe(
      [
        'NTP status of ntp_clients: 3 in sync, 1 drifting, 1 not synchronised, 2 errors',
        '❌ client-nochrony: chronyc missing: chronyc is not installed. Install chrony.',
        `❌ client-off: unreachable: connection refused (127.0.2.10:2222). ${OFF_HINT}`,
        '🟠 client-unsync: not synchronised: all 1 sources unreachable (127.0.0.49 reach 0). Check the time servers answer on UDP 123 from this host (server down, firewall, wrong address in chrony.conf).',
        '🔴 client-drift: drifting, clock 3.0 s slow of NTP time (critical above 500 ms), ^* 127.0.0.43, reach 377',
        '✅ client-b: in sync, ^* 127.0.0.41 (stratum 3), offset 1.4 µs fast, reach 377',
        '✅ client-sync: in sync, ^* 127.0.2.1 (stratum 3), offset 1.4 µs fast, reach 377',
        '✅ ntp-server: in sync, serving local clock, stratum 3',
        'Checked 7 hosts in 2.3 s. Raw chronyc sources tables are in the thread.',
      ].join('\n'),
    );
  });

  it('shows the same in Block Kit: bold header, host lines in one section, a context line', () => {
    expectWithinSlackLimits(message);
    const [head, hosts, foot] = texts(message.blocks);
    expect(message.blocks).toHaveLength(3);
    expect(head).toBe('*NTP status of ntp_clients*: 3 in sync, 1 drifting, 1 not synchronised, 2 errors');
    expect(hosts?.split('\n')).toHaveLength(7);
    expect(hosts?.split('\n')[3]).toBe(
      '🔴 *client-drift*: drifting, clock 3.0 s slow of NTP time (critical above 500 ms), `^* 127.0.0.43`, reach 377',
    );
    expect(foot).toBe('Checked 7 hosts in 2.3 s. Raw `chronyc sources` tables are in the thread.');
    expect(message.blocks?.[2]?.type).toBe('context');
  });

  it('leaves out states no host is in, and the thread when there are no tables', () => {
    const only = renderNtpSummary(
      [errorStatus('a', 'timeout', 'SSH did not answer in 10 s', 'Retry.')],
      'a',
      10500,
    );
    expect(only.text.split('\n')[0]).toBe('NTP status of a: 1 error');
    expect(only.text).toMatch(/\nChecked 1 host in 10\.5 s\.$/);
    expect(renderNtpSummary([], 'empty', 5).text.split('\n')[0]).toBe('NTP status of empty: no hosts');
  });

  it('escapes &, < and > from hosts in mrkdwn, but not in the plain text', () => {
    const bad = errorStatus('lab<1>&co', 'command-failed', 'chronyc said <!channel> & left', 'Look.');
    const m = renderNtpSummary([bad], 'grp<x>', 1);
    const all = texts(m.blocks).join('\n');
    expect(all).toContain('*lab&lt;1&gt;&amp;co*');
    expect(all).toContain('chronyc said &lt;!channel&gt; &amp; left');
    expect(all).toContain('NTP status of grp&lt;x&gt;');
    expect(all).not.toMatch(/<|>/);
    expect(m.text).toContain('❌ lab<1>&co: chronyc failed: chronyc said <!channel> & left. Look.');
  });
});

/** 200 hosts: errors with long messages, unsynchronised, drifting and ok, in no order. */
function manyHosts(): NtpHostStatus[] {
  const base = lab();
  return Array.from({ length: 200 }, (_, i) => {
    const name = `compute-${String(i).padStart(3, '0')}.rack${i % 7}.lab.example.org`;
    if (i % 10 === 3)
      return errorStatus(
        name,
        'timeout',
        `SSH did not answer within 10 s ${'(retried) '.repeat(8)}`,
        OFF_HINT,
      );
    const from = base[[0, 2, 3, 4, 5][i % 5] as number] as NtpHostStatus;
    return { ...from, host: name };
  });
}

describe('renderNtpSummary with 200 hosts', () => {
  const statuses = manyHosts();
  const message = renderNtpSummary(statuses, 'all', 61000);

  it('stays within Slack limits', () => {
    expectWithinSlackLimits(message);
  });

  it('shows the worst hosts first and counts the rest in a last line', () => {
    const lines = texts(message.blocks).slice(1, -2).join('\n').split('\n');
    const overflow = texts(message.blocks).at(-2) ?? '';
    const more = /^…and (\d+) more hosts?: (.*)$/.exec(overflow);
    expect(more).not.toBeNull();
    expect(lines.length + Number(more?.[1])).toBe(200);
    expect(lines[0]).toMatch(/^❌ /);
    expect(lines.filter((l) => l.startsWith('❌ '))).toHaveLength(20); // every error is shown
    expect(more?.[2]).toMatch(/in sync/);
  });

  it('keeps every host in the plain text', () => {
    const lines = message.text.split('\n');
    expect(lines).toHaveLength(202);
    expect(lines[0]).toBe('NTP status of all: 100 in sync, 40 drifting, 40 not synchronised, 20 errors');
    expect(lines.at(-1)).toBe('Checked 200 hosts in 1.0 min. Raw chronyc sources tables are in the thread.');
  });
});

describe('renderNtpProgress', () => {
  it('says how far it is and lists the hosts done so far, worst first', () => {
    const [sync, off, , drift] = lab();
    const m = renderNtpProgress(
      7,
      [sync as NtpHostStatus, drift as NtpHostStatus, off as NtpHostStatus],
      'ntp_clients',
    );
    const lines = m.text.split('\n');
    expect(lines[0]).toBe('Checking 7 hosts (ntp_clients)… 3/7 done');
    expect(lines.slice(1).map((l) => l.split(' ')[1])).toEqual([
      'client-off:',
      'client-drift:',
      'client-sync:',
    ]);
    expect(texts(m.blocks)[0]).toBe('Checking 7 hosts (ntp_clients)… 3/7 done');
  });

  it('starts with the count alone', () => {
    const m = renderNtpProgress(1, [], 'web-1');
    expect(m.text).toBe('Checking 1 host (web-1)… 0/1 done');
    expect(m.blocks).toHaveLength(1);
  });

  it('stays within Slack limits with 200 hosts done', () => {
    expectWithinSlackLimits(renderNtpProgress(200, manyHosts(), 'all'));
  });
});

describe('renderSourcesThread', () => {
  it('posts each host table in a code block under the host name, worst host first', () => {
    const messages = renderSourcesThread(lab());
    expect(messages).toHaveLength(1);
    const blocks = messages[0]?.blocks ?? [];
    const headers = blocks
      .filter((b) => b.type === 'header')
      .map((b) => (b.type === 'header' ? b.text.text : ''));
    // the two hosts with errors returned no table
    expect(headers).toEqual(['client-unsync', 'client-drift', 'client-b', 'client-sync', 'ntp-server']);
    const drift = texts(blocks)[3] ?? '';
    expect(drift).toMatch(/^🔴 \*client-drift\*: drifting/);
    expect(drift).toContain(
      '```\nMS Name/IP address         Stratum Poll Reach LastRx Last sample               \n====',
    );
    expect(drift).toContain(
      '^* 127.0.0.43                    3  -2   377     1  -2596ns[-2685ns] +/-   20us\n```',
    );
    expect(messages[0]?.text).toContain('client-drift\n🔴 client-drift: drifting');
  });

  it('escapes what chronyc printed, such as 3.x names cut with ">"', () => {
    const legacy = [...sections('legacy-3x.txt')][0]?.[1] ?? '';
    const [m] = renderSourcesThread([{ host: 'old', state: 'ok', sourcesTable: legacy }]);
    expect(texts(m?.blocks).join('')).toContain('ec2-54-180-134-81.ap-nor&gt;');
    expect(m?.text).toContain('ec2-54-180-134-81.ap-nor>');
  });

  it('returns nothing when no host returned a table', () => {
    expect(renderSourcesThread([errorStatus('a', 'auth', 'denied', 'Fix the key.')])).toEqual([]);
  });

  it('splits 200 hosts into replies within Slack limits, each host once, a header never last', () => {
    const statuses = manyHosts();
    const messages = renderSourcesThread(statuses);
    expect(messages.length).toBeGreaterThan(1);
    const headers: string[] = [];
    for (const m of messages) {
      expectWithinSlackLimits(m);
      expect(m.blocks?.at(-1)?.type).toBe('section');
      for (const b of m.blocks ?? []) if (b.type === 'header') headers.push(b.text.text);
    }
    const withTables = statuses.filter((s) => s.sourcesTable !== undefined);
    expect(headers).toHaveLength(withTables.length);
    expect(new Set(headers).size).toBe(withTables.length);
    expect(headers[0]).toMatch(/^compute-\d+/);
  });

  it('splits a table too long for one section into several code blocks, keeping every row', () => {
    const row = (i: number) =>
      `^+ 10.0.${Math.floor(i / 250)}.${i % 250}`.padEnd(30) +
      '2   6   377    12   +12us[  +10us] +/-   25ms';
    const table = `MS Name/IP address         Stratum Poll Reach LastRx Last sample               \n${'='.repeat(79)}\n${Array.from({ length: 300 }, (_, i) => row(i)).join('\n')}\n`;
    const messages = renderSourcesThread([{ host: 'big', state: 'ok', sourcesTable: table }]);
    const sectionsText = messages
      .flatMap((m) => (m.blocks ?? []).filter((b) => b.type === 'section'))
      .map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(sectionsText.length).toBeGreaterThanOrEqual(8); // 300 rows of 75 characters
    for (const m of messages) expectWithinSlackLimits(m);
    for (const t of sectionsText) expect(t).toMatch(/```\n[^`]*\n```$/);
    const rows = sectionsText
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('^+ '));
    expect(rows).toEqual(Array.from({ length: 300 }, (_, i) => row(i)));
  });
});
