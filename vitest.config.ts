import { defineConfig } from 'vitest/config';

const isolate = ['test/infra/support/isolate.ts'];

/**
 * Test projects mirror the code (brief §6.8). With MONGODB_URI / KAFKA_BROKERS set (scripts/infra.sh),
 * `contract` also runs the real adapters and the stacks of `e2e` and `threats` use them, each file in
 * its own database and Kafka namespace; `infra` (durability, restarts Kafka) runs after the others.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'deploy', include: ['test/deploy/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 60_000 } },
      { test: { name: 'contract', include: ['test/contract/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: isolate,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'threats',
          include: ['test/threats/**/*.test.ts'],
          setupFiles: isolate,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: isolate,
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
