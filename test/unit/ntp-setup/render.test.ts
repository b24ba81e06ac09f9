import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../../src/inventory/index.js';
import type { NtpInspection } from '../../../src/tasks/ntp-setup/inspect-ntp-host.js';
import { planNtpHost } from '../../../src/tasks/ntp-setup/plan-ntp-host.js';
import { renderNtpPlan } from '../../../src/tasks/ntp-setup/render-ntp-plan.js';
import { renderSetupSummary, renderSetupThread } from '../../../src/tasks/ntp-setup/render-ntp-setup.js';
import type { NtpHostResult } from '../../../src/tasks/ntp-setup/setup-ntp-host.js';
import { parseOsRelease } from '../../../src/tasks/remote/os-release.js';

const host = (name: string, groups = ['ntp_clients']): InventoryHost => ({
  name,
  address: '10.0.0.1',
  port: 22,
  user: 'root',
  groups,
  vars: {},
});

function inspection(name: string, current: string, desired = 'server 10.0.0.1 iburst\n'): NtpInspection {
  const facts = {
    os: parseOsRelease('ID=rocky\nPRETTY_NAME="Rocky <Linux> & co"\n'),
    confPath: '/etc/chrony.conf',
    service: 'chronyd',
    conf: current,
    active: 'active',
    enabled: 'enabled',
  };
  const plan = planNtpHost({
    role: 'client',
    desiredConf: desired,
    facts,
    login: { host: name, user: 'root' },
  });
  return { host: host(name), role: 'client', facts, plan };
}

const sectionTexts = (m: { blocks?: unknown[] }) =>
  (m.blocks ?? []).map((b) => (b as { text?: { text?: string } }).text?.text ?? '');

describe('renderNtpPlan', () => {
  it('escapes what came from the host: a diff cannot mention anyone or close its code block', () => {
    const m = renderNtpPlan('group ntp_clients', [inspection('c1', '<!channel> ```x``` & <@U123>\n')]);
    const all = sectionTexts(m).join('\n');
    expect(all).not.toMatch(/<!channel>|<@U123>/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('Rocky &lt;Linux&gt; &amp; co');
    // one fence opens the diff and one closes it
    const diff = sectionTexts(m).find((t) => t.startsWith('```')) ?? '';
    expect(diff.match(/```/g)).toHaveLength(2);
    // the plain twin is for the console and notifications: unescaped
    expect(m.text).toContain('-<!channel> ```x``` & <@U123>');
  });

  it("stays within Slack's limits for many hosts with long diffs, and says how many were left out", () => {
    const long = Array.from({ length: 400 }, (_, i) => `# old line ${i}`).join('\n');
    const m = renderNtpPlan(
      'all hosts',
      Array.from({ length: 60 }, (_, i) => inspection(`host-${i}`, `${long}\n`)),
    );
    const texts = sectionTexts(m);
    expect(m.blocks?.length).toBeLessThanOrEqual(47);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join('').length).toBeLessThan(12_000);
    expect(JSON.stringify(m.blocks)).toMatch(/…and \d+ more hosts \(not shown/);
    expect(texts.find((t) => t.startsWith('```'))).toMatch(/… \d+ more lines\n```$/);
  });
});

describe('renderSetupSummary and thread', () => {
  const results: NtpHostResult[] = [
    {
      host: 'c2',
      role: 'client',
      outcome: 'unchanged',
      done: [],
      notes: [],
      status: { host: 'c2', state: 'ok', reason: 'serving local clock, stratum 3' },
    },
    {
      host: 'c1',
      role: 'client',
      outcome: 'changed',
      done: ['wrote /etc/chrony.conf (new file)', 'restarted chronyd (/etc/chrony.conf changes)'],
      notes: [],
      diff: '--- /dev/null\n+++ /etc/chrony.conf\n@@ -0,0 +1 @@\n+server 10.0.0.1 iburst\n',
    },
    {
      host: 'c3',
      outcome: 'failed',
      done: [],
      notes: [],
      failure: {
        message: 'connection refused (10.0.0.3:22)',
        hint: 'Check that sshd runs on c3.',
        code: 'unreachable',
      },
    },
  ];

  it('lists failures first, then changes, with what was done and the status line', () => {
    expect(renderSetupSummary('group ntp_clients', results, 2500).text).toBe(
      [
        'NTP setup of group ntp_clients: 1 failed, 1 changed, 1 unchanged',
        '❌ c3 failed',
        '    unreachable: connection refused (10.0.0.3:22). Check that sshd runs on c3.',
        '🔧 c1 (client) changed: wrote /etc/chrony.conf (new file); restarted chronyd (/etc/chrony.conf changes)',
        '➖ c2 (client) unchanged',
        '    ✅ c2: in sync, serving local clock, stratum 3',
        'Done in 2.5 s. The chrony.conf diffs are in the thread.',
      ].join('\n'),
    );
  });

  it('puts each changed or failed host under a header in the thread, with its diff', () => {
    const [message, more] = renderSetupThread(results);
    expect(more).toBeUndefined();
    expect(message?.blocks?.map((b) => b.type)).toEqual([
      'header',
      'section',
      'header',
      'section',
      'section',
    ]);
    expect(sectionTexts(message ?? {}).at(-1)).toBe(
      '```\n--- /dev/null\n+++ /etc/chrony.conf\n@@ -0,0 +1 @@\n+server 10.0.0.1 iburst\n```',
    );
  });
});
