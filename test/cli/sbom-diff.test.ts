import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LayerDiff } from '../../src/core/layer/diff.js';
import { NO_PACKAGES } from '../../src/core/layer/manifest-packages.js';
import { cyclonedxErrors, makeLayer, wheel } from '../support/sbom-layers.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-sbom-cli-');
});

const six = (version: string) => ({
  name: 'six',
  version,
  sha256: 'e'.repeat(64),
  license: 'MIT',
  distInfo: `python/six-${version}.dist-info`,
});

describe('layerforge sbom', () => {
  it('prints a CycloneDX document alone on stdout, progress and warnings on stderr', async () => {
    await makeLayer(dir, 'layer', wheel('six', '1.17.0', 'MIT'), { ...NO_PACKAGES, python: [six('1.17.0')] });
    const run = await runLayerforge(['sbom', 'layer.zip'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(await cyclonedxErrors(run.stdout)).toBeNull();
    expect(JSON.parse(run.stdout)).toMatchObject({ components: [{ purl: 'pkg:pypi/six@1.17.0' }] });
  });

  it('writes SPDX to a file with -o, and says what it wrote', async () => {
    await makeLayer(dir, 'layer', wheel('six', '1.17.0', 'MIT'), { ...NO_PACKAGES, python: [six('1.17.0')] });
    const run = await runLayerforge(['sbom', 'layer.zip', '--format', 'spdx', '-o', 'out.spdx.json'], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('out.spdx.json: 1 package(s) from the manifest\n');
    const doc = JSON.parse(await readFile(join(dir, 'out.spdx.json'), 'utf8')) as { spdxVersion: string };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    const json = await runLayerforge(['sbom', 'layer.zip', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({
      format: 'cyclonedx',
      components: 1,
      packagesFrom: 'manifest',
      sbom: { bomFormat: 'CycloneDX' },
    });
  });

  it('warns on stderr when the zip has no manifest, and still lists its wheels', async () => {
    await makeLayer(dir, 'plain', wheel('six', '1.17.0', 'MIT'));
    const run = await runLayerforge(['sbom', 'plain.zip'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no manifest beside the zip');
    expect(JSON.parse(run.stdout)).toMatchObject({ components: [{ name: 'six', version: '1.17.0' }] });
  });

  it('exits 2 for a missing zip or an unknown format', async () => {
    const missing = await runLayerforge(['sbom', 'nope.zip'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    await makeLayer(dir, 'plain', wheel('six', '1.17.0', 'MIT'));
    const format = await runLayerforge(['sbom', 'plain.zip', '--format', 'swid'], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stdout).toBe('');
  });
});

describe('layerforge diff', () => {
  it('lists package and size changes, and the same as data with --json', async () => {
    await makeLayer(dir, 'a', wheel('six', '1.16.0', 'MIT', 10), { ...NO_PACKAGES, python: [six('1.16.0')] });
    await makeLayer(dir, 'b', wheel('six', '1.17.0', 'MIT', 5000), {
      ...NO_PACKAGES,
      python: [six('1.17.0')],
    });
    const plain = await runLayerforge(['diff', 'a.zip', 'b.zip'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^a\.zip → b\.zip$/m);
    expect(plain.stdout).toMatch(/^ {2}~ +python +six +1\.16\.0 → 1\.17\.0$/m);
    expect(plain.stdout).toMatch(/^ +\+4\.9 KB +python\/six$/m);
    const json = await runLayerforge(['diff', 'a.zip', 'b.zip', '--json'], { cwd: dir });
    const diff = JSON.parse(json.stdout) as LayerDiff;
    expect(diff.a.zipPath).toBe('a.zip');
    expect(diff.packages).toEqual([
      { ecosystem: 'python', name: 'six', change: 'changed', from: '1.16.0', to: '1.17.0' },
    ]);
    expect(diff.folders[0]).toMatchObject({ path: 'python/six', delta: 4990 });
  });

  it('exits 2 when a zip is missing', async () => {
    await makeLayer(dir, 'a', wheel('six', '1.16.0', 'MIT'));
    const run = await runLayerforge(['diff', 'a.zip', 'b.zip'], { cwd: dir });
    expect(run.code).toBe(2);
  });
});
