// What is inside a layer (issue 16, part 3), on real builds on the debian12 stand-in: the
// manifest's package records, `layerforge sbom` in both formats checked by the formats' own
// validators (CycloneDX's library, SPDX's spdx-tools), and `layerforge diff` of two pandas
// versions. The default build cache is used, as in flagship-recipes.test.ts: a warm cache makes
// the pandas builds cache hits; jq is built twice without it to show the zip does not change.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import type { LayerDiff } from '../../src/core/layer/diff.js';
import { bundledRecipesDir } from '../../src/core/paths.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { cyclonedxErrors } from '../support/sbom-layers.js';
import { spdxErrors } from '../support/spdx-tools.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-sbom-it-');
let work = '';

/** The bundled pandas recipe a release back: pandas 2.2.3 and numpy 2.1.3, both with cp311 wheels. */
async function olderPandasRecipe(): Promise<string> {
  const recipes = join(work, 'recipes');
  await cp(join(bundledRecipesDir, 'pandas'), join(recipes, 'pandas-prev'), { recursive: true });
  const file = join(recipes, 'pandas-prev', 'recipe.yaml');
  const yaml = (await readFile(file, 'utf8'))
    .replace('name: pandas', 'name: pandas-prev')
    .replace('version: 2.3.3', 'version: 2.2.3')
    .replace('pandas==2.3.3', 'pandas==2.2.3')
    .replace('numpy==2.2.6', 'numpy==2.1.3')
    .replace('pytz==2026.6', 'pytz==2024.2')
    .replace('tzdata==2026.6', 'tzdata==2024.2')
    .replace('six==1.17.0', 'six==1.16.0')
    // The recipe's own smoke test (which the prune step runs) names the versions.
    .replace(String.raw`2\.3\.3 2\.2\.6`, String.raw`2\.2\.3 2\.1\.3`);
  await writeFile(file, yaml);
  return recipes;
}

async function build(args: string[], out: string): Promise<{ zip: string; manifest: LayerManifest }> {
  const run = await runLayerforge(
    ['build', ...args, '--base', 'debian12', '--runtime', 'python3.11', '--out', out, '--quiet'],
    { cwd: work },
  );
  expect(run.code, run.stderr).toBe(0);
  const zip = run.stdout.trim();
  const manifest = JSON.parse(
    await readFile(zip.replace(/\.zip$/, '.manifest.json'), 'utf8'),
  ) as LayerManifest;
  return { zip, manifest };
}

/** Both SBOMs of a zip, each checked by its format's validator; returns the parsed documents. */
async function validSboms(
  zip: string,
  name: string,
): Promise<{ cdx: Record<string, unknown>; spdx: Record<string, unknown> }> {
  const cdxRun = await runLayerforge(['sbom', zip], { cwd: work });
  expect(cdxRun.code, cdxRun.stderr).toBe(0);
  expect(await cyclonedxErrors(cdxRun.stdout)).toBeNull();
  const spdxPath = join(work, `${name}.spdx.json`);
  const spdxRun = await runLayerforge(['sbom', zip, '--format', 'spdx', '-o', spdxPath], { cwd: work });
  expect(spdxRun.code, spdxRun.stderr).toBe(0);
  expect(await spdxErrors(spdxPath)).toBe('');
  return {
    cdx: JSON.parse(cdxRun.stdout) as Record<string, unknown>,
    spdx: JSON.parse(await readFile(spdxPath, 'utf8')) as Record<string, unknown>,
  };
}

beforeAll(() => {
  requireDocker();
  work = shared.path;
});

describe('what is inside a layer, on real builds', () => {
  it('pandas: the manifest records every wheel with its URL, sha256 and licence; both SBOMs validate; diff names the upgrades', async () => {
    const current = await build(['pandas'], join(work, 'a'));
    const previous = await build(['pandas-prev', '--recipes', await olderPandasRecipe()], join(work, 'b'));

    const python = current.manifest.packages?.python ?? [];
    expect(python.map((p) => `${p.name}==${p.version}`).sort()).toEqual([
      'numpy==2.2.6',
      'pandas==2.3.3',
      'python-dateutil==2.9.0.post0',
      'pytz==2026.6',
      'six==1.17.0',
      'tzdata==2026.6',
    ]);
    for (const wheel of python) {
      expect(wheel.url, wheel.name).toMatch(/^https:\/\/\S+\.whl$/);
      expect(wheel.sha256, wheel.name).toMatch(/^[0-9a-f]{64}$/);
      expect(wheel.distInfo).toMatch(/^python\/[^/]+\.dist-info$/);
    }
    // The wheel pip downloaded is the file its URL names, and its digest is in pip's report.
    const pandas = python.find((p) => p.name === 'pandas');
    expect(pandas?.url).toContain('pandas-2.3.3-cp311-cp311-manylinux');
    expect(pandas?.license).toBe('BSD-3-Clause');
    expect(python.find((p) => p.name === 'six')?.license).toBe('MIT');
    expect(current.manifest.packages?.os).toEqual([]);

    const { cdx, spdx } = await validSboms(current.zip, 'pandas');
    const purls = (cdx.components as { purl: string }[]).map((c) => c.purl);
    expect(purls).toContain('pkg:pypi/pandas@2.3.3');
    expect(purls).toContain('pkg:pypi/numpy@2.2.6');
    expect(spdx.packages).toHaveLength(python.length + 1);
    await validSboms(previous.zip, 'pandas-prev');

    const diff = await runLayerforge(['diff', previous.zip, current.zip, '--json'], { cwd: work });
    expect(diff.code, diff.stderr).toBe(0);
    const result = JSON.parse(diff.stdout) as LayerDiff;
    expect(result.packages).toEqual([
      { ecosystem: 'python', name: 'numpy', change: 'changed', from: '2.1.3', to: '2.2.6' },
      { ecosystem: 'python', name: 'pandas', change: 'changed', from: '2.2.3', to: '2.3.3' },
      { ecosystem: 'python', name: 'pytz', change: 'changed', from: '2024.2', to: '2026.6' },
      { ecosystem: 'python', name: 'six', change: 'changed', from: '1.16.0', to: '1.17.0' },
      { ecosystem: 'python', name: 'tzdata', change: 'changed', from: '2024.2', to: '2026.6' },
    ]);
    expect(result.a.unzippedBytes).toBe(previous.manifest.zip.unzippedBytes);
    expect(result.b.zippedBytes).toBe(current.manifest.zip.zippedBytes);
    expect(result.folders.map((f) => f.path)).toContain('python/pandas');
    const plain = await runLayerforge(['diff', previous.zip, current.zip], { cwd: work });
    expect(plain.stdout).toMatch(/~ +python +pandas +2\.2\.3 → 2\.3\.3/);
    expect(plain.stdout).toMatch(/~ +python +numpy +2\.1\.3 → 2\.2\.6/);
  }, 1_800_000);

  it('jq: the manifest lists the Debian packages its files came from, and a rebuild gives the same zip', async () => {
    const first = await build(['jq', '--no-cache'], join(work, 'jq1'));
    const second = await build(['jq', '--no-cache'], join(work, 'jq2'));
    expect(second.manifest.zip.sha256).toBe(first.manifest.zip.sha256);
    expect(second.manifest.packages).toEqual(first.manifest.packages);

    const os = first.manifest.packages?.os ?? [];
    expect(os.map((p) => [p.manager, p.name, p.os, p.files])).toEqual([
      ['deb', 'jq', 'debian12', ['bin/jq']],
      ['deb', 'libjq1', 'debian12', ['lib/libjq.so.1']],
      ['deb', 'libonig5', 'debian12', ['lib/libonig.so.5']],
    ]);
    for (const p of os) expect(p.version).toMatch(/^\d[\w.+~:-]*-[\w.+~]+$/);
    expect(os.find((p) => p.name === 'jq')?.version).toMatch(/^1\.6-/);
    expect(os.find((p) => p.name === 'libjq1')?.sourcePackage).toBe('jq');

    const { cdx } = await validSboms(first.zip, 'jq');
    // Given the recipe, sbom builds it (a cache hit now) and describes the same zip.
    const fromRecipe = await runLayerforge(
      ['sbom', 'jq', '--base', 'debian12', '--runtime', 'python3.11', '--out', join(work, 'jq3'), '--quiet'],
      { cwd: work },
    );
    expect(fromRecipe.code, fromRecipe.stderr).toBe(0);
    expect(fromRecipe.stdout).toBe(JSON.stringify(cdx, null, 2) + '\n');
    const purls = (cdx.components as { purl: string }[]).map((c) => c.purl);
    expect(purls).toHaveLength(3);
    for (const purl of purls)
      expect(purl).toMatch(/^pkg:deb\/debian\/(jq|libjq1|libonig5)@.+\?arch=amd64&distro=debian-12$/);
  }, 900_000);
});
