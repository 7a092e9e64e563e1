// The identical-files prune rule on real wheels: numpy 2.2.6 and scipy 1.15.3 each vendor the
// same libgfortran and libquadmath (auditwheel's hashed names, byte for byte). The build's own
// smoke tests, run by the prune step in the runtime image, load scipy's Fortran code through
// the link; a rule that broke them would be reverted, which the manifest would say. The default
// build cache is used, as in flagship-recipes.test.ts: a second run is a cache hit.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-identical-it-');

const RECIPE = `name: scipy-numpy
version: 1.15.3
summary: scipy and numpy, whose wheels vendor the same Fortran runtime
license: BSD-3-Clause
homepage: https://scipy.org/
runtimes: [python3.11]
architectures: [x86_64]
install:
  python:
    requirements:
      - numpy==2.2.6
      - scipy==1.15.3
tests:
  # scipy.special's Bessel functions and scipy.linalg's LAPACK are Fortran: they load libgfortran.
  - name: scipy's Fortran code runs
    run: PYTHONPATH=/opt/python python3 -c 'import scipy.special as s, scipy.linalg as l; print(round(float(s.jv(0, 1.0)), 6), l.solve([[3.0, 1.0], [1.0, 2.0]], [9.0, 8.0]).round(6).tolist())'
    expect: '^0\\.765198 \\[2\\.0, 3\\.0\\]$'
`;

beforeAll(() => {
  requireDocker();
});

describe('identical-files on numpy and scipy wheels', () => {
  it(
    "stores scipy.libs' copies of numpy.libs' libraries once, as links, and scipy still loads them",
    async () => {
      const recipes = join(shared.path, 'recipes');
      await mkdir(join(recipes, 'scipy-numpy'), { recursive: true });
      await writeFile(join(recipes, 'scipy-numpy', 'recipe.yaml'), RECIPE);
      const out = join(shared.path, 'dist');
      const run = await runLayerforge(
        [
          'build',
          'scipy-numpy',
          '--recipes',
          recipes,
          '--base',
          'debian12',
          '--runtime',
          'python3.11',
          '--out',
          out,
          '--quiet',
        ],
        { cwd: shared.path },
      );
      expect(run.code, run.stderr).toBe(0);
      const zip = run.stdout.trim();
      const manifest = JSON.parse(
        await readFile(zip.replace(/\.zip$/, '.manifest.json'), 'utf8'),
      ) as LayerManifest;
      const rule = manifest.prune?.find((r) => r.rule === 'identical-files');
      expect(rule?.reverted).toBe(false);
      // libgfortran alone is 2.8 MB.
      expect(rule?.bytesSaved).toBeGreaterThan(2_500_000);

      // Info-ZIP's listing: the link's mode says `l`, and the link points into numpy.libs.
      const listing = execFileSync('zipinfo', [zip, 'python/scipy.libs/*'], { encoding: 'utf8' });
      const gfortran = listing.split('\n').filter((l) => /libgfortran-040039e1-[0-9a-f]+\.so/.test(l));
      expect(gfortran).toHaveLength(1);
      expect(gfortran[0]).toMatch(/^l/);
      const name = /(python\/scipy\.libs\/\S+)$/.exec(gfortran[0]!)![1]!;
      const target = execFileSync('unzip', ['-p', zip, name], { encoding: 'utf8' });
      expect(target).toMatch(/^\.\.\/numpy\.libs\/libgfortran-040039e1-[0-9a-f]+\.so\.5\.0\.0$/);
    },
    20 * 60_000,
  );
});
