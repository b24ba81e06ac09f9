import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/errors.js';
import { NTP_STATUS_COMMAND } from '../../../src/tasks/chrony/remote-command.js';
import { ntpStatusTask } from '../../../src/tasks/ntp-status/index.js';
import { captureSections } from '../../support/capture-sections.js';
import { inventoryOf, runTask, scripted } from '../../support/run-task.js';

const capture = captureSections(new URL('../../fixtures/chrony/status-command.txt', import.meta.url));
const output = (scenario: string) => capture.get(`NTP_STATUS_COMMAND: ${scenario}`) ?? '';

// the task harness: a command's behaviour in a few lines, with no Redis, lab or Slack
describe('/lab ntp status, run by the task harness on captured chronyc output', () => {
  it('one message, worst host first, each host ran the one fixed command', async () => {
    const inventory = inventoryOf(
      'all:\n  hosts:\n    ntp1: {ansible_host: 10.0.0.1}\n    web1: {ansible_host: 10.0.0.2}\n    db1: {ansible_host: 10.0.0.3}\n',
    );
    const { ssh, commands } = scripted([
      ['chronyc', output('time server (local stratum 3)'), 'ntp1'],
      ['chronyc', output('client whose only server runs 3 s fast (drift)'), 'web1'],
      [
        'chronyc',
        new HostError('db1', 'unreachable', 'connect ECONNREFUSED 10.0.0.3:22', 'Check sshd.'),
        'db1',
      ],
    ]);
    const { final, result } = await runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh,
    });
    expect(commands.sort()).toEqual(['db1', 'ntp1', 'web1'].map((h) => `${h}: ${NTP_STATUS_COMMAND}`));
    const text = JSON.stringify(final?.blocks);
    expect(text.indexOf('db1')).toBeLessThan(text.indexOf('web1'));
    expect(text.indexOf('web1')).toBeLessThan(text.indexOf('ntp1'));
    expect(result).toMatchObject({
      hosts: expect.arrayContaining([expect.objectContaining({ host: 'db1', errorCode: 'unreachable' })]),
    });
  });

  it('keeps the state of each host for the App Home where the worker has a store for them', async () => {
    const inventory = inventoryOf('all:\n  hosts:\n    ntp1: {ansible_host: 10.0.0.1}\n');
    const { ssh } = scripted([['chronyc', output('time server (local stratum 3)')]]);
    const kept: unknown[] = [];
    await runTask(ntpStatusTask, {
      payload: { reply: { channel: 'C1', messageTs: '1.0' } },
      inventory,
      ssh,
      ntpStates: { record: async (result) => void kept.push(result) },
    });
    expect(kept).toEqual([
      { target: 'all hosts', hosts: [expect.objectContaining({ host: 'ntp1', state: 'ok' })] },
    ]);
  });
});
