import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../src/core/errors.js';
import {
  checkBudget,
  checkSizeLimits,
  measureEntries,
  measureLayerTree,
  packageOf,
} from '../../../src/core/layer/size.js';
import { LAMBDA_LIMITS } from '../../../src/core/lambda/quotas.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeTree } from './helpers.js';

const MiB = 1024 * 1024;

describe('packageOf', () => {
  it.each([
    ['python/numpy/core/_multiarray_umath.so', 'python/numpy'],
    ['python/lib/python3.12/site-packages/numpy/__init__.py', 'python/numpy'],
    ['python/lib/python3.12/site-packages/numpy.libs/libgfortran.so.5', 'python/numpy.libs'],
    ['python/lib/python3.12/site-packages/six.py', 'python/six'],
    ['python/_cffi_backend.cpython-312-x86_64-linux-gnu.so', 'python/_cffi_backend'],
    ['nodejs/node_modules/sharp/lib/index.js', 'nodejs/sharp'],
    ['nodejs/node_modules/@img/sharp-linux-x64/lib/sharp.node', 'nodejs/@img/sharp-linux-x64'],
    ['nodejs/node20/node_modules/canvas/build/canvas.node', 'nodejs/canvas'],
    ['ruby/gems/3.3.0/gems/nokogiri-1.16.0/lib/nokogiri.rb', 'ruby/nokogiri-1.16.0'],
    ['java/lib/postgresql-42.7.jar', 'java/postgresql-42.7.jar'],
    ['lib/libgeos_c.so.1.17.0', 'lib/libgeos_c'],
    ['lib/libgeos_c.so.1', 'lib/libgeos_c'],
    ['lib/x86_64-linux-gnu/libz.so.1', 'lib/x86_64-linux-gnu'],
    ['bin/ffmpeg', 'bin/ffmpeg'],
    ['share/gdal/header.dxf', 'share/gdal'],
    ['bootstrap', 'bootstrap'],
  ])('%s → %s', (path, expected) => {
    expect(packageOf(path)).toBe(expected);
  });
});

describe('measureEntries', () => {
  const entries = [
    { path: 'python', type: 'dir' as const, size: 0 },
    { path: 'python/numpy/a.so', type: 'file' as const, size: 30 * MiB },
    { path: 'python/numpy/b.py', type: 'file' as const, size: 2 * MiB },
    { path: 'python/numpy.libs/libgfortran.so.5', type: 'file' as const, size: 3 * MiB },
    { path: 'lib/libz.so.1.3', type: 'file' as const, size: 1 * MiB },
    { path: 'lib/libz.so.1', type: 'symlink' as const, size: 11 },
  ];

  it('adds files and symlinks, not directories, and ranks directories and packages', () => {
    const report = measureEntries(entries);
    expect(report.unzippedBytes).toBe(36 * MiB + 11);
    expect(report.fileCount).toBe(5);
    expect(report.topDirectories).toEqual([
      { path: 'python', bytes: 35 * MiB, files: 3 },
      { path: 'lib', bytes: 1 * MiB + 11, files: 2 },
    ]);
    expect(report.topPackages.map((p) => p.path)).toEqual(['python/numpy', 'python/numpy.libs', 'lib/libz']);
    expect(report).toMatchObject({
      reservedBytes: 0,
      overLimit: false,
      needsS3: false,
      limitBytes: 262_144_000,
    });
  });

  it('counts reserved bytes against the 250 MB and flags zips over 50 MB', () => {
    const fits = measureEntries(entries, { reservedBytes: LAMBDA_LIMITS.unzippedBytes - 37 * MiB });
    expect(fits.overLimit).toBe(false);
    expect(fits.totalUnzippedBytes).toBe(LAMBDA_LIMITS.unzippedBytes - MiB + 11);
    const over = measureEntries(entries, { reservedBytes: LAMBDA_LIMITS.unzippedBytes - 36 * MiB });
    expect(over.overLimit).toBe(true);
    expect(measureEntries(entries, { zippedBytes: 50 * MiB }).needsS3).toBe(false);
    expect(measureEntries(entries, { zippedBytes: 50 * MiB + 1 }).needsS3).toBe(true);
  });

  it('refuses over the limit with exit 1 and the breakdown', () => {
    const over = measureEntries(entries, { reservedBytes: 230 * MiB });
    const error = (() => {
      try {
        checkSizeLimits(over);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(JobFailedError);
    const failed = error as JobFailedError;
    expect(failed.exitCode).toBe(1);
    expect(failed.message).toContain('266.0 MB unzipped, over the 250.0 MB (262144000 bytes) limit');
    expect(failed.details[0]).toBe(
      'layer 36.0 MB unzipped in 5 files + 230.0 MB reserved for the function and other layers',
    );
    const trimmed = failed.details.map((line) => line.trim());
    expect(trimmed).toContain('32.0 MB  python/numpy (2 files)');
    expect(trimmed).toContain('3.0 MB  python/numpy.libs (1 file)');
    expect(trimmed).toContain('35.0 MB  python (3 files)');
    expect(() => checkSizeLimits(measureEntries(entries))).not.toThrow();
  });

  it('checks the recipe budget in MB of 1024²', () => {
    const report = measureEntries(entries);
    expect(() => checkBudget(report, 37)).not.toThrow();
    expect(() => checkBudget(report, undefined)).not.toThrow();
    expect(() => checkBudget(report, 36)).toThrow(JobFailedError);
    expect(() => checkBudget(report, 36)).toThrow(
      "over its recipe's size budget: 36.0 MB unzipped, budget 36 MB",
    );
  });
});

describe('measureLayerTree', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await tempDir('layerforge-layer-');
  });

  it('measures a staged tree, sparse files by their apparent size as Lambda counts them', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, {
      'lib/libbig.so.1': { file: '' },
      'lib/libbig.so': { link: 'libbig.so.1' },
      'bin/x': { file: 'abc' },
    });
    // 300 MiB of holes: no disk used, but Lambda counts the uncompressed bytes.
    const handle = await open(join(root, 'lib/libbig.so.1'), 'r+');
    await handle.truncate(300 * MiB);
    await handle.close();
    const report = await measureLayerTree(root);
    expect(report.unzippedBytes).toBe(300 * MiB + 'libbig.so.1'.length + 3);
    expect(report.fileCount).toBe(3);
    expect(report.overLimit).toBe(true);
    expect(report.topPackages[0]).toEqual({ path: 'lib/libbig', bytes: 300 * MiB + 11, files: 2 });
  });
});
