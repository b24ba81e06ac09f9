import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one simulated lab and one Redis for the whole run (test/integration/global-setup.ts)
    globalSetup: ['test/integration/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // the lab's daemons share two cores with the tests: keep file parallelism modest
    maxWorkers: 2,
    minWorkers: 1,
  },
});
