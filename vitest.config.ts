import { defineConfig } from 'vitest/config';

/** Test projects mirror the code (brief §6.8). `infra` needs the real servers (scripts/infra.sh). */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'contract', include: ['test/contract/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'threats', include: ['test/threats/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
    ],
  },
});
