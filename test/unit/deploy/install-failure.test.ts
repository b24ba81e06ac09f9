import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installFailure, tailFile } from '../../../src/tasks/deploy/install-failure.js';
import { MASK } from '../../../src/tasks/deploy/mask.js';
import { emptyProgress, readOutput } from '../../../src/tasks/deploy/packstack-output.js';

const failure = readFileSync(new URL('../../fixtures/packstack/install-failure.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('# '))
  .join('\n');

describe('the report of a failed packstack run', () => {
  it('names the failing step, the ERROR lines, both logs and what to do next', () => {
    const progress = readOutput(failure);
    const { step, lines } = installFailure('ctl1', { progress, code: 1 });
    expect(step).toBe('192.168.1.123_controller.pp');
    expect(lines[0]).toBe('packstack failed on ctl1 (exit 1) at: 192.168.1.123_controller.pp');
    expect(lines).toContain('ERROR : Error appeared during Puppet run: 192.168.1.123_controller.pp');
    expect(lines).toContain('setup log: /var/tmp/packstack/20170621-144129-mO5ppO/openstack-setup.log');
    expect(lines).toContain(
      'manifest log: /var/tmp/packstack/20170621-144129-mO5ppO/manifests/192.168.1.123_controller.pp.log',
    );
    expect(lines[lines.length - 1]).toMatch(
      /^Fix what the errors name, then run \/lab deploy openstack again/,
    );
  });

  it('says so when packstack was killed before it named a step or a log', () => {
    const { step, lines } = installFailure('ctl1', { progress: emptyProgress(), code: null });
    expect(step).toBe('unknown (packstack printed no failing step)');
    expect(lines.slice(0, 3)).toEqual([
      'packstack failed on ctl1 (exit signal) at: unknown (packstack printed no failing step)',
      'setup log: not named',
      'manifest log: not named',
    ]);
  });

  it('the tail file goes into the thread with every secret masked', () => {
    const file = tailFile(
      'ctl1',
      {
        from: '/var/tmp/packstack/x/openstack-setup.log',
        text: 'mysql -pS3cret-pw failed\nkeystone e79d601a\n',
      },
      ['S3cret-pw', 'e79d601a'],
      '1700000000.000100',
    );
    expect(file).toMatchObject({
      filename: 'packstack-ctl1-tail.log',
      title: 'Last lines of /var/tmp/packstack/x/openstack-setup.log on ctl1',
      threadTs: '1700000000.000100',
    });
    expect(new TextDecoder().decode(file.bytes)).toBe(`mysql -p${MASK} failed\nkeystone ${MASK}\n`);
  });
});
