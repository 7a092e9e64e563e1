// A matrix routes each cell to an engine of its architecture, on the real engine (issue 18,
// item 2): this machine's engine twice, once declared arm64 (it runs arm64 under QEMU) and once
// x86_64. The summary and the events name the engine each cell ran on.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatrixCellResult } from '../../src/core/builder/matrix.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const SOCKET = 'unix:///var/run/docker.sock';
const shared = sharedTempDir('layerforge-it-routing-');

beforeAll(() => {
  requireDocker();
});

describe('engines routed by architecture', () => {
  it('builds each cell on the engine declared for its arch, and names it', async () => {
    const work = shared.path;
    const out = join(work, 'dist');
    const run = await runLayerforge(
      [
        'build',
        'hello',
        '--base',
        'debian12',
        '--runtime',
        'provided.al2023',
        '--arch',
        'x86_64,arm64',
        '--docker-host',
        `arm64=${SOCKET}`,
        '--docker-host',
        `x86_64=${SOCKET}`,
        '--jobs',
        '2',
        '--json',
        '--out',
        out,
      ],
      { cwd: work, env: { LAYERFORGE_CACHE_DIR: join(work, 'cache') } },
    );
    expect(run.code, run.stderr).toBe(0);
    // The engine's /info was read: it reports x86_64, and the arm64 declaration is trusted.
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'engine.arch-declared',
        message: expect.stringContaining(
          `--docker-host arm64=${SOCKET}: the engine reports x86_64, not arm64`,
        ),
      }),
    );
    const starts = run.events.filter((e) => e.type === 'matrix.cell.start');
    expect(starts.map((e) => [e.cell, e.engine, e.emulated]).sort()).toEqual([
      ['hello@1.0.0/provided.al2023/arm64', `arm64=${SOCKET}`, undefined],
      ['hello@1.0.0/provided.al2023/x86_64', `x86_64=${SOCKET}`, undefined],
    ]);
    const summary = run.events.find((e) => e.type === 'matrix.summary');
    const cells: MatrixCellResult[] = summary?.type === 'matrix.summary' ? summary.cells : [];
    expect(cells.map((c) => [c.arch, c.status, c.engine, c.engineArch, c.emulated])).toEqual([
      ['x86_64', 'ok', `x86_64=${SOCKET}`, 'x86_64', false],
      ['arm64', 'ok', `arm64=${SOCKET}`, 'arm64', false],
    ]);
    // Each zip holds a program for its own machine (read by binutils, not by layerforge).
    for (const cell of cells) {
      const zip = cell.zipPath ?? '';
      const tree = join(work, `tree-${cell.arch}`);
      execFileSync('unzip', ['-q', '-o', zip, '-d', tree]);
      const header = execFileSync('readelf', ['-h', join(tree, 'bin', 'hello')], { encoding: 'utf8' });
      expect(header).toContain(cell.arch === 'arm64' ? 'AArch64' : 'X86-64');
    }
  }, 600_000);
});
