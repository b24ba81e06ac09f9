import { describe, expect, it } from 'vitest';
import { commandOutcome } from '../../../src/audit/audit-commands.js';
import type { StoredAuditEntry } from '../../../src/audit/audit-entry.js';
import { renderHistory } from '../../../src/audit/render-history.js';
import { loadConfig } from '../../../src/config.js';
import { basicAuthOk } from '../../../src/dashboard/basic-auth.js';
import type { JobSummary } from '../../../src/jobs/job-summary.js';
import { formatElapsed, renderJobs } from '../../../src/jobs/render-jobs.js';

const mention = (u: string) => `<@${u}>`;
const entry = (i: number, over: Partial<StoredAuditEntry> = {}): StoredAuditEntry => ({
  id: `${i}-0`,
  at: Date.UTC(2026, 0, 2, 3, 4, 5) + i * 1000,
  kind: 'command',
  user: 'U1',
  channel: 'C1',
  text: '/lab ntp status',
  outcome: 'queued',
  job: String(i),
  ...over,
});

describe('/lab history rendering', () => {
  it('one line per entry: time (UTC), who, where, what, outcome, job', () => {
    const m = renderHistory([entry(1)], 20, mention);
    expect(m.text.split('\n')[1]).toBe('▶️ 2026-01-02 03:04:06Z U1 in C1: /lab ntp status → queued (job 1)');
    expect(JSON.stringify(m.blocks)).toContain('<@U1> in C1: `/lab ntp status` → queued (job 1)');
  });

  it('shows typed text as code and drops anything that could ping or link', () => {
    const m = renderHistory(
      [entry(1, { text: '/lab ntp status <!channel> `x`', outcome: 'failed: <!here> cancelled by <@U9>' })],
      20,
      mention,
    );
    const shown = JSON.stringify(m.blocks);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(shown).toContain('cancelled by <@U9>');
    expect(m.text).toContain('cancelled by @U9');
  });

  it('fits 100 long entries into Slack limits and says how many were left out', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      entry(i, { text: `/lab ${'x'.repeat(290)}`, outcome: 'y'.repeat(190) }),
    );
    const m = renderHistory(many, 100, mention);
    expect(m.blocks?.length).toBeLessThanOrEqual(50);
    for (const b of m.blocks ?? [])
      if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(m.blocks?.at(-1))).toMatch(/…and \d+ older entries that do not fit one message/);
  });

  it('an empty trail says so', () => {
    expect(renderHistory([], 20, mention).text).toMatch(/empty/);
  });
});

describe('what a command result means for the trail', () => {
  it('tells refusals, cancels, answers and jobs apart', () => {
    expect(commandOutcome({ kind: 'job', jobId: '7', messageTs: '1' })).toEqual({
      kind: 'command',
      outcome: 'queued',
      job: '7',
    });
    expect(
      commandOutcome({ kind: 'reply', message: { text: 'x' }, outcome: 'refused: not an admin' }).kind,
    ).toBe('refusal');
    expect(
      commandOutcome({ kind: 'reply', message: { text: 'x' }, outcome: 'cancel: requested while running' }),
    ).toEqual({
      kind: 'cancel',
      outcome: 'requested while running',
    });
    expect(commandOutcome({ kind: 'reply', message: { text: 'help' } })).toEqual({
      kind: 'command',
      outcome: 'answered',
    });
  });
});

describe('/lab jobs rendering', () => {
  const job = (id: string, state: JobSummary['state'], user = 'U1'): JobSummary => ({
    id,
    command: '/lab ntp status all',
    user,
    channel: 'C1',
    targets: 'all',
    state,
    elapsedMs: 4200,
  });

  it('a Cancel button on live jobs the viewer may cancel, none on others or finished ones', () => {
    const m = renderJobs(
      [job('1', 'running'), job('2', 'running', 'U2'), job('3', 'completed')],
      { canCancel: (j) => j.user === 'U1' },
      mention,
    );
    const buttons = (m.blocks ?? []).flatMap((b) =>
      (b as { accessory?: { value: string } }).accessory
        ? [(b as { accessory: { value: string } }).accessory.value]
        : [],
    );
    expect(buttons).toEqual(['1']);
    expect(m.text).toContain('⏳ job 1 /lab ntp status all by U1 on all, running 4.2 s');
    expect(m.text).toContain('Recently finished:');
  });

  it('formats elapsed time for people', () => {
    expect(formatElapsed(1500)).toBe('1.5 s');
    expect(formatElapsed(125_000)).toBe('2 min 5 s');
    expect(formatElapsed(2 * 3600_000 + 60_000)).toBe('2 h 1 min');
  });
});

describe('dashboard settings and basic auth', () => {
  const env = { LAB_INVENTORY: 'i.yml' };
  it('wants both user and password, or neither', () => {
    expect(loadConfig(env).dashboard).toBeUndefined();
    expect(() => loadConfig({ ...env, LAB_DASHBOARD_USER: 'ops' })).toThrow(
      /LAB_DASHBOARD_PASSWORD: set both/,
    );
    expect(() => loadConfig({ ...env, LAB_DASHBOARD_USER: 'ops', LAB_DASHBOARD_PASSWORD: 'short' })).toThrow(
      /at least 12/,
    );
    expect(
      loadConfig({ ...env, LAB_DASHBOARD_USER: 'ops', LAB_DASHBOARD_PASSWORD: 'long enough pw' }).dashboard,
    ).toEqual({
      user: 'ops',
      password: 'long enough pw',
    });
    expect(loadConfig({ ...env, LAB_JOB_LOCK_MS: '1000' }).jobLockMs).toBe(1000);
    expect(() => loadConfig({ ...env, LAB_JOB_LOCK_MS: '10' })).toThrow(
      /LAB_JOB_LOCK_MS: must be at least 500/,
    );
  });

  it('accepts exactly the configured credentials', () => {
    const creds = { user: 'ops', password: 'p:w' };
    const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(basicAuthOk(header('ops:p:w'), creds)).toBe(true);
    expect(basicAuthOk(header('ops:p:x'), creds)).toBe(false);
    expect(basicAuthOk(header('op:p:w'), creds)).toBe(false);
    expect(basicAuthOk(undefined, creds)).toBe(false);
    expect(basicAuthOk('Bearer x', creds)).toBe(false);
  });
});
