import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeLibraries } from '../../../src/core/engine/runtime-libraries.js';
import { JobFailedError } from '../../../src/core/errors.js';
import { FakeEngine } from '../../support/fake-engine.js';

const IMAGE = 'layerforge/test-runtime:1';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'layerforge-libs-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

function engineWithImage(lines: string[]): FakeEngine {
  const engine = new FakeEngine();
  engine.images.set(IMAGE, { id: 'sha256:0123abcd', architecture: 'amd64' });
  engine.onRun = () => ({ lines });
  return engine;
}

describe('readRuntimeLibraries', () => {
  it('keeps only library file names, sorted and without repeats', async () => {
    const engine = engineWithImage([
      'libz.so.1',
      'libc.so.6',
      'find: /var/lang/lib: No such file or directory',
      'ld-linux-x86-64.so.2',
      '  libstdc++.so.6  ',
      'libc.so.6',
      'libpython3.12.so',
      'README',
      'libfoo.so.1.txt.gz extra',
      '',
    ]);
    const libraries = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    expect(libraries).toEqual([
      'ld-linux-x86-64.so.2',
      'libc.so.6',
      'libpython3.12.so',
      'libstdc++.so.6',
      'libz.so.1',
    ]);
  });

  it('runs the listing offline, read-only, in the image asked for, and removes the container', async () => {
    const engine = engineWithImage(['libc.so.6']);
    await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    expect(engine.runs).toHaveLength(1);
    expect(engine.runs[0]).toMatchObject({ image: IMAGE, network: 'none', readOnlyRootFs: true });
    expect(engine.containers.size).toBe(0);
    expect(engine.removed).toHaveLength(1);
  });

  it('caches the list by image id: a second call runs no container', async () => {
    const engine = engineWithImage(['libm.so.6', 'libc.so.6']);
    const first = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    const cacheFile = join(cacheDir, 'runtime-libraries', '0123abcd.txt');
    expect(await readFile(cacheFile, 'utf8')).toBe('libc.so.6\nlibm.so.6\n');

    engine.onRun = () => {
      throw new Error('a cached list must not start a container');
    };
    expect(await readRuntimeLibraries(engine, IMAGE, { cacheDir })).toEqual(first);
    expect(engine.runs).toHaveLength(1);
  });

  it('reads the image again when its id changes', async () => {
    const engine = engineWithImage(['libc.so.6']);
    await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    engine.images.set(IMAGE, { id: 'sha256:ffff0000', architecture: 'amd64' });
    engine.onRun = () => ({ lines: ['libc.so.6', 'libnew.so.2'] });
    expect(await readRuntimeLibraries(engine, IMAGE, { cacheDir })).toEqual(['libc.so.6', 'libnew.so.2']);
    expect(engine.runs).toHaveLength(2);
  });

  it('fails when the image is not in the engine', async () => {
    const engine = new FakeEngine();
    await expect(readRuntimeLibraries(engine, IMAGE, { cacheDir })).rejects.toThrow(JobFailedError);
    expect(engine.runs).toHaveLength(0);
  });

  it('fails, and caches nothing, when the image lists no library', async () => {
    const engine = engineWithImage(['find: /lib64: No such file or directory']);
    await expect(readRuntimeLibraries(engine, IMAGE, { cacheDir })).rejects.toThrow(
      /could not list the libraries/,
    );
    expect(existsSync(join(cacheDir, 'runtime-libraries', '0123abcd.txt'))).toBe(false);
  });
});
