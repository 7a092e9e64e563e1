// A 2×2 build matrix on the real engine, with a failure injected in one cell (issue 9, item 4).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatrixCellResult } from '../../src/core/builder/matrix.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'recipes-build');
const shared = sharedTempDir('layerforge-it-matrix-');
let work: string;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
});

describe('build matrix', () => {
  it('builds recipes × runtimes, lists every cell, and keeps the artifacts of cells that succeeded', async () => {
    const out = join(work, 'dist');
    const run = await runLayerforge(
      [
        'build',
        'hello',
        'flaky',
        '--recipes',
        fixtures,
        '--runtime',
        'provided.al2023,provided.al2',
        '--jobs',
        '2',
        '--json',
        '--out',
        out,
      ],
      { cwd: work, env: { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' } },
    );
    expect(run.code).toBe(1);
    const summaryLine = run.stdout.split('\n').find((l) => l.startsWith('{"type":"matrix.summary"'));
    const summary = JSON.parse(summaryLine ?? '{}') as { cells: MatrixCellResult[] };
    const byCell = Object.fromEntries(summary.cells.map((c) => [`${c.recipe}/${c.runtime}`, c.status]));
    expect(byCell).toEqual({
      'hello@1.0.0/provided.al2023': 'ok',
      'hello@1.0.0/provided.al2': 'ok',
      'flaky@1.0.0/provided.al2023': 'ok',
      'flaky@1.0.0/provided.al2': 'failed',
    });
    const failed = summary.cells.find((c) => c.status === 'failed');
    expect(failed?.error).toContain('failed in the container');
    for (const name of [
      'hello-1.0.0-provided.al2023-x86_64',
      'hello-1.0.0-provided.al2-x86_64',
      'flaky-1.0.0-provided.al2023-x86_64',
    ]) {
      expect(existsSync(join(out, `${name}.zip`)), name).toBe(true);
      expect(existsSync(join(out, `${name}.manifest.json`)), name).toBe(true);
    }
    expect(existsSync(join(out, 'flaky-1.0.0-provided.al2-x86_64.zip'))).toBe(false);
  }, 600_000);
});
