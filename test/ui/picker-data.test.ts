import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import { lastBuilds, loadPickerData } from '../../src/ui/picker-data.js';
import { tempDir } from '../support/temp-dir.js';

function manifest(file: string, overrides: Partial<LayerManifest> = {}): LayerManifest {
  return {
    schemaVersion: 1,
    recipe: { name: 'hello', version: '1.0.0', license: 'MIT' },
    runtimes: ['provided.al2023'],
    arch: 'x86_64',
    base: 'debian12',
    zip: {
      file,
      sha256: 'a'.repeat(64),
      codeSha256: 'x',
      zippedBytes: 100,
      unzippedBytes: 1_000,
      fileCount: 2,
    },
    inputsDigest: 'd',
    layerforgeVersion: '0.1.0',
    ...overrides,
  };
}

let out: string;
beforeEach(async () => {
  out = await tempDir('layerforge-picker-data-');
});

async function write(name: string, value: unknown, mtime: Date): Promise<void> {
  const path = join(out, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  await utimes(path, mtime, mtime);
}

describe('lastBuilds', () => {
  it('takes the newest manifest per recipe version from the out folder', async () => {
    const older = manifest('hello-1.0.0-provided.al2023-x86_64.zip');
    const newer = manifest('hello-1.0.0-python3.12-arm64.zip', {
      runtimes: ['python3.12'],
      arch: 'arm64',
      zip: { ...older.zip, file: 'hello-1.0.0-python3.12-arm64.zip', unzippedBytes: 2_000, zippedBytes: 900 },
    });
    await write('hello-1.0.0-provided.al2023-x86_64.manifest.json', older, new Date('2025-01-01T00:00:00Z'));
    await write('hello-1.0.0-python3.12-arm64.manifest.json', newer, new Date('2025-02-01T00:00:00Z'));
    const builds = await lastBuilds(out);
    expect(builds.get('hello@1.0.0')).toEqual({
      zipPath: join(out, 'hello-1.0.0-python3.12-arm64.zip'),
      unzippedBytes: 2_000,
      zippedBytes: 900,
      runtime: 'python3.12',
      arch: 'arm64',
      base: 'debian12',
      builtAt: '2025-02-01T00:00:00.000Z',
    });
  });

  it('keeps versions apart and ignores files that are not layerforge manifests of their zip', async () => {
    await write(
      'hello-2.0.0-provided.al2023-x86_64.manifest.json',
      manifest('hello-2.0.0-provided.al2023-x86_64.zip', { recipe: { name: 'hello', version: '2.0.0' } }),
      new Date('2025-01-01T00:00:00Z'),
    );
    await write('broken.manifest.json', '{ not json', new Date('2025-03-01T00:00:00Z'));
    await write('other.manifest.json', { schemaVersion: 2 }, new Date('2025-03-01T00:00:00Z'));
    // A manifest copied next to another zip's name describes that other zip: not this one.
    await write(
      'copied.manifest.json',
      manifest('hello-1.0.0-provided.al2023-x86_64.zip'),
      new Date('2025-03-01T00:00:00Z'),
    );
    await write(
      'zip-without-recipe.manifest.json',
      manifest('zip-without-recipe.zip', { recipe: null }),
      new Date('2025-03-01T00:00:00Z'),
    );
    const builds = await lastBuilds(out);
    expect([...builds.keys()]).toEqual(['hello@2.0.0']);
    expect(builds.get('hello@2.0.0')?.unzippedBytes).toBe(1_000);
  });

  it('is empty when the out folder does not exist yet', async () => {
    expect((await lastBuilds(join(out, 'missing'))).size).toBe(0);
  });
});

describe('loadPickerData', () => {
  it('reads the bundled recipes and base images, with the last build from the out folder', async () => {
    await write(
      'hello-1.0.0-provided.al2023-x86_64.manifest.json',
      manifest('hello-1.0.0-provided.al2023-x86_64.zip'),
      new Date(),
    );
    const data = await loadPickerData({ recipeDirs: [], outDir: out, cwd: out });
    const hello = data.recipes.find((r) => r.name === 'hello');
    expect(hello).toMatchObject({
      version: '1.0.0',
      license: 'MIT',
      runtimes: ['provided.al2023', 'provided.al2', 'python3.11', 'python3.12', 'nodejs20.x', 'nodejs22.x'],
      architectures: ['x86_64', 'arm64'],
      sources: ['hello-1.0.0.tar.gz'],
      budgetMB: 1,
      tests: 1,
      lastBuild: { unzippedBytes: 1_000, zippedBytes: 100, runtime: 'provided.al2023', base: 'debian12' },
    });
    const names = data.bases.map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(['debian12', 'lambda']));
    expect(data.bases.find((b) => b.name === 'debian12')).toMatchObject({
      standIn: true,
      runtimes: expect.arrayContaining(['provided.al2023']),
    });
    expect(data.bases.find((b) => b.name === 'lambda')).toMatchObject({
      standIn: false,
      runtimes: undefined,
    });
  });
});
