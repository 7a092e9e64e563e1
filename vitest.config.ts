import { defineConfig } from 'vitest/config';
import { SlowFilesFirst } from './test/support/slow-files-first.js';

export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    // On a fresh clone, the files known to take longest start first (test/support/slow-files-first.ts).
    sequence: { sequencer: SlowFilesFirst },
    // Integration tests may build base images on first use.
    hookTimeout: 600_000,
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: ['test/ui/**'] },
      },
      {
        // The tools the integration tests install on first use (test/prepare/test-tools.prepare.ts).
        extends: true,
        test: { name: 'prepare', include: ['test/prepare/**/*.prepare.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          include: ['test/ui/**/*.test.ts', 'test/ui/**/*.test.tsx'],
          // The ink tests emulate an interactive terminal, and ink renders frame by frame only
          // outside CI (it reads CI once, on import).
          env: { CI: 'false' },
        },
      },
    ],
  },
});
