import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mask } from '../../../src/tasks/deploy/mask.js';
import {
  createLineSplitter,
  failedStep,
  plainLine,
  readOutput,
} from '../../../src/tasks/deploy/packstack-output.js';

// the fixtures show the step words without colour; packstack's real stream wraps them in ANSI codes
const coloured = (name: string) =>
  readFileSync(new URL(`../../fixtures/packstack/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .map((l) =>
      l.replace('[ DONE ]', '[ \x1b[32mDONE\x1b[0m ]').replace('[ ERROR ]', '[ \x1b[31mERROR\x1b[0m ]'),
    )
    .join('\n');

describe('packstack console output', () => {
  it('a successful run: every step done, the log and manifest paths, success', () => {
    const p = readOutput(coloured('install-success.txt'));
    expect(p.steps).toHaveLength(46); // every "[ DONE ]" line of the capture
    expect(p.steps.every((s) => s.result === 'DONE')).toBe(true);
    expect(p.steps[0]).toEqual({ title: 'Clean Up', result: 'DONE' });
    expect(p.steps).toContainEqual({ title: '192.168.211.106_controller.pp', result: 'DONE' });
    expect(p.steps).toContainEqual({
      title: 'Fixing Keystone LDAP config parameters to be undef if empty',
      result: 'DONE',
    });
    expect(p.applying).toBeUndefined();
    expect(p.setupLog).toBe('/var/tmp/packstack/20200108-140542-U13YS1/openstack-setup.log');
    expect(p.manifestsDir).toBe('/var/tmp/packstack/20200108-140542-U13YS1/manifests');
    expect(p.errors).toEqual([]);
    expect(p.succeeded).toBe(true);
  });

  it('a failed run: the failing manifest, the ERROR lines, the setup and manifest logs', () => {
    const p = readOutput(coloured('install-failure.txt'));
    expect(failedStep(p)).toBe('192.168.1.123_controller.pp');
    expect(p.errors[0]).toBe('ERROR : Error appeared during Puppet run: 192.168.1.123_controller.pp');
    expect(p.errors[1]).toMatch(/^Error: Execution of '\/usr\/bin\/mysql .*--skip-grant-tables option/);
    expect(p.manifestLog).toBe(
      '/var/tmp/packstack/20170621-144129-mO5ppO/manifests/192.168.1.123_controller.pp.log',
    );
    expect(p.setupLog).toBe('/var/tmp/packstack/20170621-144129-mO5ppO/openstack-setup.log');
    expect(p.savedAnswers).toBe('/root/packstack-answers-20170621-144129.txt');
    expect(p.succeeded).toBe(false);
  });

  it('strips colour codes and the \\r-overwritten spinner of a TTY', () => {
    expect(plainLine('Clean Up   [ \x1b[32mDONE\x1b[0m ]')).toBe('Clean Up   [ DONE ]');
    expect(
      plainLine('Testing if puppet apply is finished: x.pp [ - ]\rx.pp:   [ \x1b[32mDONE\x1b[0m ]\r'),
    ).toBe('x.pp:   [ DONE ]');
  });

  it('splits a stream into lines whatever the chunk boundaries', () => {
    const s = createLineSplitter();
    expect(s.push('Clean Up  [ DO')).toEqual([]);
    expect(s.push('NE ]\nDiscover')).toEqual(['Clean Up  [ DONE ]']);
    expect(s.flush()).toEqual(['Discover']);
    expect(s.flush()).toEqual([]);
  });
});

describe('mask', () => {
  it('masks every secret, longest first, and ignores empty ones', () => {
    expect(mask('pw=abc123 and abc1234 and abc123', ['abc123', 'abc1234', '', undefined])).toBe(
      'pw=•••••• and •••••• and ••••••',
    );
  });
});
