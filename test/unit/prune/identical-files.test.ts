import { chmod, lstat, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordEvents } from '../../../src/core/events.js';
import { IDENTICAL_MIN_BYTES, identicalFilesAsLinks } from '../../../src/core/prune/identical-files.js';
import { indexLayer } from '../../../src/core/prune/match.js';
import { pruneStagedLayer } from '../../../src/core/prune/prune-layer.js';
import { testJob } from '../../support/job-context.js';
import { pythonRecipe } from '../../support/python-recipe.js';
import { tempDir } from '../../support/temp-dir.js';

let work: string;
let staging: string;

/** Bytes that stand for a vendored library: large enough to be worth a link. */
const library = (seed: number) =>
  Buffer.from(Array.from({ length: IDENTICAL_MIN_BYTES + 100 }, (_, i) => (i * 31 + seed) % 251));

async function tree(files: Record<string, Buffer | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await writeFile(join(staging, path), content);
  }
}

const run = async (protect: string[] = []) =>
  identicalFilesAsLinks(await indexLayer(staging), staging, join(work, 'side'), {
    protect,
    taken: new Set(),
    skip: new Set(),
  });

beforeEach(async () => {
  work = await tempDir('layerforge-identical-');
  staging = join(work, 'opt');
  await tree({
    'python/numpy.libs/libgfortran-040039e1.so.5': library(1),
    'python/scipy.libs/libgfortran-040039e1.so.5': library(1),
    'python/scipy.libs/libquadmath.so.0': library(2),
    // Same size, other bytes: not a copy.
    'python/other.libs/libgfortran-ffffffff.so.5': library(3),
  });
});

describe('identicalFilesAsLinks', () => {
  it('turns every copy but the first by path into a relative link, and reverts byte for byte', async () => {
    const change = await run();
    expect(change.links).toEqual([
      {
        path: 'python/scipy.libs/libgfortran-040039e1.so.5',
        kept: 'python/numpy.libs/libgfortran-040039e1.so.5',
      },
    ]);
    const target = '../numpy.libs/libgfortran-040039e1.so.5';
    expect(change.bytesSaved).toBe(library(1).length - target.length);
    await change.apply();
    const copy = join(staging, 'python/scipy.libs/libgfortran-040039e1.so.5');
    expect(await readlink(copy)).toBe(target);
    expect(await readFile(copy)).toEqual(library(1));
    expect((await lstat(join(staging, 'python/other.libs/libgfortran-ffffffff.so.5'))).isFile()).toBe(true);
    await change.revert();
    expect((await lstat(copy)).isFile()).toBe(true);
    expect(await readFile(copy)).toEqual(library(1));
  });

  it('keeps the protected copy as the file, and never links a protected path', async () => {
    await tree({ 'python/zeta.libs/libgfortran-040039e1.so.5': library(1) });
    const change = await run(['python/scipy.libs/**', 'python/zeta.libs/**']);
    expect(change.links).toEqual([
      {
        path: 'python/numpy.libs/libgfortran-040039e1.so.5',
        kept: 'python/scipy.libs/libgfortran-040039e1.so.5',
      },
    ]);
  });

  it('leaves alone copies with other permissions, small files, Python modules and dist-info', async () => {
    await tree({
      'bin/tool': library(4),
      'bin/tool-copy': library(4),
      'python/a/LICENSE': 'same small text',
      'python/b/LICENSE': 'same small text',
      'python/a/big.py': library(5),
      'python/b/big.py': library(5),
      'python/a-1.0.dist-info/RECORD': library(6),
      'python/b-1.0.dist-info/RECORD': library(6),
    });
    await chmod(join(staging, 'bin/tool'), 0o755);
    expect((await run()).links.map((l) => l.path)).toEqual(['python/scipy.libs/libgfortran-040039e1.so.5']);
  });
});

describe('the identical-files rule in a build', () => {
  const recipe = pythonRecipe({ tests: [{ name: 'loads', run: 'true' }] });
  const prune = (test: () => Promise<{ ok: boolean; failed: string[]; details: string[] }>) =>
    pruneStagedLayer(
      {
        staging,
        sideDir: join(work, 'side'),
        recipe,
        arch: 'x86_64',
        profile: 'safe',
        bytecode: { mode: 'pyc', cacheTag: 'cpython-311' },
        runInBuildImage: async () => ({ exitCode: 0, output: [] }),
        test,
      },
      testJob({ sink: recordEvents().sink }),
    );
  const copy = () => join(staging, 'python/scipy.libs/libgfortran-040039e1.so.5');

  it('is kept when the smoke tests pass', async () => {
    const records = await prune(async () => ({ ok: true, failed: [], details: [] }));
    expect(records.find((r) => r.rule === 'identical-files')).toMatchObject({ reverted: false });
    expect((await lstat(copy())).isSymbolicLink()).toBe(true);
  });

  it('is reverted, and the copy is a file again, when a smoke test needs it to be one', async () => {
    const records = await prune(async () => {
      const ok = (await lstat(copy())).isFile();
      return { ok, failed: ok ? [] : ['checks its own path'], details: [] };
    });
    expect(records.find((r) => r.rule === 'identical-files')).toEqual({
      rule: 'identical-files',
      bytesSaved: 0,
      reverted: true,
    });
    expect((await lstat(copy())).isFile()).toBe(true);
    expect(await readFile(copy())).toEqual(library(1));
  });
});
