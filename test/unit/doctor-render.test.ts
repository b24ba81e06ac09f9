import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blocks, ok, problem } from '../../src/doctor/finding.js';
import { keyscanFix } from '../../src/doctor/keyscan-fix.js';
import { manifestBotScopes } from '../../src/doctor/manifest-scopes.js';
import { judgeRedisVersion } from '../../src/doctor/redis-check.js';
import { renderDoctor } from '../../src/doctor/render-doctor.js';

describe('the doctor table', () => {
  const findings = [
    ok('redis', 'version', '7.0.15'),
    ok('ntp1', 'known_hosts', 'has it'),
    ok('ntp1', 'TCP', 'answers'),
    ok('ntp1', 'login', 'root'),
    problem('warn', 'slack', 'alert channel', 'not checked', '/invite @labops'),
    problem('fail', 'web1', 'known_hosts', 'no entry', 'ssh-keyscan ...'),
  ];

  it("puts problems first, each with its fix under it, and a host's passed checks in one row", () => {
    const lines = renderDoctor(findings).split('\n');
    expect(lines[0]).toMatch(/^❌ web1 +known_hosts +no entry$/);
    expect(lines[1]).toMatch(/^ +→ ssh-keyscan \.\.\.$/);
    expect(lines[2]).toMatch(/^⚠️ +slack +alert channel +not checked$/);
    expect(lines).toContainEqual(expect.stringMatching(/^✅ ntp1 +3 checks +known_hosts, TCP, login$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✅ redis +version +7\.0\.15$/)); // one or two: with their details
    expect(lines.at(-1)).toBe(
      '6 checks: 1 problem blocks labops, 1 warning. Fix them (→ above) and run the doctor again.',
    );
    expect(blocks(findings)).toBe(true);
  });

  it('a warning alone does not block', () => {
    const text = renderDoctor(findings.filter((f) => f.verdict !== 'fail'));
    expect(text).toMatch(/nothing blocks labops; 1 warning/);
  });
});

describe("the doctor's pure judgements", () => {
  it("holds Redis to BullMQ's minimum (5.0.0) and recommendation (6.2.0)", () => {
    expect(judgeRedisVersion('# Server\r\nredis_version:7.0.15\r\n').verdict).toBe('ok');
    expect(judgeRedisVersion('redis_version:6.0.16\r\n').verdict).toBe('warn');
    expect(judgeRedisVersion('redis_version:4.0.9\r\n')).toMatchObject({
      verdict: 'fail',
      detail: /needs 5\.0\.0/,
    });
  });

  it("reads the bot scopes of the repository's manifest", () => {
    expect(manifestBotScopes(readFileSync('slack-app-manifest.yml', 'utf8'))).toEqual([
      'commands',
      'chat:write',
      'chat:write.public',
      'files:write',
    ]);
  });

  it('tells how to fetch and check a missing host key, never to trust it blindly', () => {
    const fix = keyscanFix({ name: 'web1', address: '10.0.0.5', port: 22 }, '/root/.ssh/known_hosts');
    expect(fix).toContain('ssh-keyscan -t ed25519 10.0.0.5 > /tmp/web1.key && ssh-keygen -lf /tmp/web1.key');
    expect(fix).toContain("on web1's console");
    expect(fix).toMatch(/if they match: cat \/tmp\/web1\.key >> \/root\/\.ssh\/known_hosts$/);
  });
});
