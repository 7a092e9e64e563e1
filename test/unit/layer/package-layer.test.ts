import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { readManifest } from '../../../src/core/layer/manifest.js';
import { packageLayer } from '../../../src/core/layer/package-layer.js';
import type { ManifestFields } from '../../../src/core/layer/package-layer.js';
import { LAMBDA_LIMITS } from '../../../src/core/lambda/quotas.js';
import { layerforgeVersion } from '../../../src/core/version.js';
import { testJob } from '../../support/job-context.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeTree, run, sha256File } from './helpers.js';

const MiB = 1024 * 1024;
const fields: ManifestFields = {
  recipe: { name: 'demo', version: '1.0.0', license: 'MIT' },
  runtimes: ['python3.12'],
  arch: 'x86_64',
  base: 'debian12',
  inputsDigest: 'sha256:0123',
};

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-layer-');
});

describe('packageLayer', () => {
  it('writes the zip and a manifest beside it that matches the zip', async () => {
    const staging = join(dir, 'opt');
    await makeTree(staging, {
      'python/demo/__init__.py': { file: 'VERSION = 1\n', mode: 0o600 },
      'lib/libdemo.so.1': { file: 'elf'.repeat(1000) },
      'lib/libdemo.so': { link: 'libdemo.so.1' },
    });
    const zipPath = join(dir, 'dist', 'demo-1.0.0-python3.12-x86_64.zip');
    const { sink, events } = recordEvents();
    const result = await packageLayer({ stagingDir: staging, zipPath, manifest: fields }, testJob({ sink }));

    expect(result.manifestPath).toBe(join(dir, 'dist', 'demo-1.0.0-python3.12-x86_64.manifest.json'));
    const manifest = await readManifest(result.manifestPath);
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({ ...fields, schemaVersion: 1, layerforgeVersion });
    const sha256 = await sha256File(zipPath);
    expect(manifest.zip).toEqual({
      file: 'demo-1.0.0-python3.12-x86_64.zip',
      sha256,
      codeSha256: Buffer.from(sha256, 'hex').toString('base64'),
      zippedBytes: (await readFile(zipPath)).length,
      unzippedBytes: 12 + 3000 + 'libdemo.so.1'.length,
      fileCount: 3,
    });
    expect(run('zipinfo', ['-t', zipPath])).toContain(`bytes uncompressed`);

    const measured = events.filter((e) => e.type === 'size.measured');
    expect(measured).toHaveLength(1);
    expect(measured[0]).toMatchObject({
      report: { zippedBytes: manifest.zip.zippedBytes, needsS3: false, fileCount: 3 },
    });
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it("carries the recipe's osVersion into the manifest, and reads manifests written without it", async () => {
    const staging = join(dir, 'opt-os');
    await makeTree(staging, { 'bin/tool': { file: '#!/bin/sh\n', mode: 0o755 } });
    const withOs: ManifestFields = {
      ...fields,
      recipe: { name: 'demo', version: '3.0.0', license: 'MIT', osVersion: '3.2.2' },
    };
    const zipPath = join(dir, 'dist-os', 'demo-3.0.0-python3.12-x86_64.zip');
    const result = await packageLayer({ stagingDir: staging, zipPath, manifest: withOs }, testJob());
    expect((await readManifest(result.manifestPath)).recipe).toEqual(withOs.recipe);

    // A manifest from before osVersion existed: the same file without the field still reads.
    const older = JSON.parse(await readFile(result.manifestPath, 'utf8')) as {
      recipe: Record<string, unknown>;
    };
    delete older.recipe.osVersion;
    const olderPath = join(dir, 'dist-os', 'older.manifest.json');
    await writeFile(olderPath, JSON.stringify(older));
    const read = await readManifest(olderPath);
    expect(read.recipe).toEqual({ name: 'demo', version: '3.0.0', license: 'MIT' });
  });

  it('refuses a layer over 250 MB before writing anything, with the breakdown', async () => {
    const staging = join(dir, 'opt');
    await makeTree(staging, {
      'python/huge/weights.bin': { file: '' },
      'bin/tool': { file: 'x', mode: 0o755 },
    });
    const handle = await open(join(staging, 'python/huge/weights.bin'), 'r+');
    await handle.truncate(251 * MiB);
    await handle.close();
    const out = join(dir, 'dist');
    await mkdir(out);
    const error = await packageLayer(
      { stagingDir: staging, zipPath: join(out, 'big.zip'), manifest: fields },
      testJob(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).exitCode).toBe(1);
    expect((error as JobFailedError).details.map((l) => l.trim())).toContain(
      '251.0 MB  python/huge (1 file)',
    );
    expect(await readdir(out)).toEqual([]);
  });

  it('counts the reserve: the same layer fits with less reserved and is refused with more', async () => {
    const staging = join(dir, 'opt');
    await makeTree(staging, { 'lib/libx.so': { file: Buffer.alloc(2 * MiB, 1) } });
    const sink = recordEvents().sink;
    const refused = packageLayer(
      {
        stagingDir: staging,
        zipPath: join(dir, 'a.zip'),
        manifest: fields,
        reservedBytes: LAMBDA_LIMITS.unzippedBytes - MiB,
      },
      testJob({ sink }),
    );
    await expect(refused).rejects.toThrow(/too big for Lambda/);
    await expect(refused).rejects.toMatchObject({
      details: expect.arrayContaining([expect.stringContaining('249.0 MB reserved')]),
    });
    const fits = await packageLayer(
      {
        stagingDir: staging,
        zipPath: join(dir, 'b.zip'),
        manifest: fields,
        reservedBytes: LAMBDA_LIMITS.unzippedBytes - 3 * MiB,
      },
      testJob({ sink }),
    );
    expect(fits.size.reservedBytes).toBe(LAMBDA_LIMITS.unzippedBytes - 3 * MiB);
    expect(fits.size.totalUnzippedBytes).toBe(LAMBDA_LIMITS.unzippedBytes - MiB);
    expect((await readdir(dir)).sort()).toEqual(['b.manifest.json', 'b.zip', 'opt']);
  });

  it('refuses a layer over its recipe budget', async () => {
    const staging = join(dir, 'opt');
    await makeTree(staging, { 'lib/libx.so': { file: Buffer.alloc(2 * MiB, 1) } });
    await expect(
      packageLayer(
        { stagingDir: staging, zipPath: join(dir, 'a.zip'), manifest: fields, budgetMB: 1 },
        testJob(),
      ),
    ).rejects.toThrow("over its recipe's size budget");
    expect(await readdir(dir)).toEqual(['opt']);
  });

  describe('a zip over 50 MB', () => {
    // Incompressible bytes, written once: level 0 stores them, so the zip is just as big.
    let noise: Buffer;
    beforeAll(() => {
      noise = randomBytes(51 * MiB);
    });
    afterAll(() => {
      noise = Buffer.alloc(0);
    });

    it('warns that publish will go through S3', async () => {
      const staging = join(dir, 'opt');
      await mkdir(join(staging, 'share'), { recursive: true });
      await writeFile(join(staging, 'share', 'noise.bin'), noise);
      const { sink, events } = recordEvents();
      const result = await packageLayer(
        { stagingDir: staging, zipPath: join(dir, 'noise.zip'), manifest: fields, level: 0 },
        testJob({ sink }),
      );
      expect(result.zip.zippedBytes).toBeGreaterThan(LAMBDA_LIMITS.directUploadZippedBytes);
      expect(result.size.needsS3).toBe(true);
      const warnings = events.filter((e) => e.type === 'warning');
      expect(warnings).toEqual([
        {
          type: 'warning',
          code: 'needs-s3',
          message: expect.stringContaining(
            'over the 50 MB Lambda accepts inline: publish will upload it through an S3 bucket',
          ) as string,
        },
      ]);
      expect(events.find((e) => e.type === 'size.measured')).toMatchObject({ report: { needsS3: true } });
    });
  });
});
