import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests drive a real Docker engine and moto: one file at a time keeps
    // the 2-core machines from timing out while images build.
    fileParallelism: true,
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
