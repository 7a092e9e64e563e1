import { defineConfig } from 'vitest/config';

const shared = {
  pool: 'forks' as const,
  poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  testTimeout: 30_000,
  // Integration tests may build base images on first use.
  hookTimeout: 600_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'core',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/ui/**'],
        },
      },
      {
        test: {
          ...shared,
          name: 'ui',
          include: ['test/ui/**/*.test.ts', 'test/ui/**/*.test.tsx'],
          // The ink tests emulate an interactive terminal: ink renders frame by frame only outside
          // CI (it reads CI once, on import), and colours need a terminal that supports them.
          env: { CI: 'false' },
        },
      },
    ],
  },
});
