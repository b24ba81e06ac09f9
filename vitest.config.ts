import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code and in-process fakes: no lab, no Redis; `npm run test:unit`) and `integration`
// (the simulated lab and Redis, started once by the global setup). `npm test` runs both.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // the lab's daemons share two cores with the tests: keep file parallelism modest
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/support/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/lab/**/*.test.ts'],
          // one simulated lab and one Redis for the whole run (test/integration/global-setup.ts)
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
