import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../../src/jobs/job-summary.js';

const job = (data: Record<string, unknown>, name = 'network.check') =>
  ({ id: '7', name, data, timestamp: 1000, processedOn: 1500, finishedOn: 4000 }) as unknown as Job;
const reply = { channel: 'C1', user: 'U1' };

describe('the /lab jobs line of a job', () => {
  it('names the target as typed, else the hosts an apply holds, else what the default resolved to', () => {
    expect(summarise(job({ target: 'ntp1', reply }), 'completed', 9000).targets).toBe('ntp1');
    expect(
      summarise(
        job({ hosts: ['controller'], targetLabel: 'group openstack_controllers', reply }),
        'running',
        9000,
      ).targets,
    ).toBe('controller');
    expect(
      summarise(job({ targetLabel: 'group openstack_controllers', reply }), 'completed', 9000),
    ).toMatchObject({
      targets: 'group openstack_controllers',
      command: '/lab network.check',
      user: 'U1',
      elapsedMs: 2500,
    });
    expect(summarise(job({ reply }), 'completed', 9000).targets).toBe('all hosts'); // jobs queued before labels
  });
});
