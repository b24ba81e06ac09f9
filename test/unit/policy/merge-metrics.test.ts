import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '../../../src/bot/merge-metrics.js';

describe("several labs' metrics in one exposition", () => {
  it("keeps each family once, HELP and TYPE first, with every registry's samples under it", () => {
    const process =
      '# HELP labops_jobs Jobs\n# TYPE labops_jobs gauge\nlabops_jobs{queue="jobs",state="waiting"} 0\n';
    const alpha =
      '# HELP labops_ntp_offset_seconds Offset\n# TYPE labops_ntp_offset_seconds gauge\nlabops_ntp_offset_seconds{host="ntp1",lab="alpha"} 0.1\n\n# HELP labops_jobs Jobs\n# TYPE labops_jobs gauge\n';
    const beta =
      '# HELP labops_ntp_offset_seconds Offset\n# TYPE labops_ntp_offset_seconds gauge\nlabops_ntp_offset_seconds{host="ntp2",lab="beta"} -3\n';
    expect(mergeExpositions([process, alpha, beta])).toBe(
      [
        '# HELP labops_jobs Jobs',
        '# TYPE labops_jobs gauge',
        'labops_jobs{queue="jobs",state="waiting"} 0',
        '',
        '# HELP labops_ntp_offset_seconds Offset',
        '# TYPE labops_ntp_offset_seconds gauge',
        'labops_ntp_offset_seconds{host="ntp1",lab="alpha"} 0.1',
        'labops_ntp_offset_seconds{host="ntp2",lab="beta"} -3',
        '',
      ].join('\n'),
    );
  });
});
