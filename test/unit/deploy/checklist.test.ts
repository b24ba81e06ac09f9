import { describe, expect, it } from 'vitest';
import { STAGE_TITLES } from '../../../src/tasks/deploy/checklist.js';
import { DEPLOY_STAGES } from '../../../src/tasks/deploy/deploy-stages.js';

describe('the deploy stages', () => {
  it('run in the order of the checklist lines', () => {
    expect(DEPLOY_STAGES.map((s) => s.title)).toEqual([...STAGE_TITLES]);
  });
});
