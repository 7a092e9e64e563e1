import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeLibraries } from '../../../src/core/engine/runtime-libraries.js';
import { JobFailedError } from '../../../src/core/errors.js';
import { FakeEngine, type FakeFile } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';

const IMAGE = 'layerforge/test-runtime:1';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await tempDir('layerforge-libs-');
});

/** An image whose file system holds these paths (an empty file each, or a link). */
function engineWithImage(files: Record<string, FakeFile>): FakeEngine {
  const engine = new FakeEngine();
  engine.images.set(IMAGE, { id: 'sha256:0123abcd', architecture: 'amd64' });
  engine.fileSystems.set(IMAGE, files);
  // Nothing may run in the image: the AL2023 images lack `find` and most other tools.
  engine.onRun = () => {
    throw new Error('listing libraries must not start a container');
  };
  return engine;
}

const file = { contents: '' };

/** Shaped like the nodejs images: Node's own libssl in /var/lang/lib, the OS's in /usr/lib64. */
const NODE_LIKE: Record<string, FakeFile> = {
  '/usr/lib64/libc.so.6': file,
  '/usr/lib64/libz.so.1.2.13': file,
  '/usr/lib64/libz.so.1': { linkTo: 'libz.so.1.2.13' },
  '/usr/lib64/ld-linux-x86-64.so.2': file,
  '/usr/lib64/libstdc++.so.6': file,
  '/usr/lib64/gconv/IBM850.so': file,
  '/usr/lib64/python3.9/lib-dynload/_ssl.cpython-39-x86_64-linux-gnu.so': file,
  '/usr/lib64/README': file,
  // AL2023's own OpenSSL, which Node's copies below shadow.
  '/usr/lib64/libssl.so.3': file,
  '/usr/lib64/libcrypto.so.3.2.2': file,
  '/usr/lib64/libcrypto.so.3': { linkTo: 'libcrypto.so.3.2.2' },
  '/var/lang/lib/libssl.so.3': file,
  '/var/lang/lib/libcrypto.so.3': file,
  '/var/lang/bin/node': file,
};

describe('readRuntimeLibraries', () => {
  it('lists library files and links two levels deep, sorted, without running anything in the image', async () => {
    const engine = engineWithImage(NODE_LIKE);
    const libraries = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    expect(libraries).toEqual([
      'IBM850.so',
      'ld-linux-x86-64.so.2',
      'libc.so.6',
      'libcrypto.so.3.2.2',
      'libstdc++.so.6',
      'libz.so.1',
      'libz.so.1.2.13',
    ]);
    expect(engine.runs).toHaveLength(0);
  });

  it("does not count an OS library that the runtime's private /var/lang/lib shadows: an OS-linked libssl must come with the layer", async () => {
    const engine = engineWithImage(NODE_LIKE);
    const libraries = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    // /usr/lib64 has both, but /var/lang/lib comes first on LD_LIBRARY_PATH: Node's copies win.
    expect(libraries).not.toContain('libssl.so.3');
    expect(libraries).not.toContain('libcrypto.so.3');
  });

  it("counts the private libraries the runtime means to share (libpython for Python's extensions)", async () => {
    const engine = engineWithImage({
      '/usr/lib64/libc.so.6': file,
      '/var/lang/lib/libpython3.12.so.1.0': file,
      '/var/lang/lib/libssl.so.3': file,
    });
    const libraries = await readRuntimeLibraries(engine, IMAGE, {
      cacheDir,
      runtimeOwn: ['libpython3.12.so.1.0', 'libpython3.so'],
    });
    expect(libraries).toEqual(['libc.so.6', 'libpython3.12.so.1.0']);
  });

  it('creates an offline container of the image asked for, reads each folder through the archive API, and removes it', async () => {
    const engine = engineWithImage(NODE_LIKE);
    await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    expect(engine.created).toHaveLength(1);
    expect(engine.created[0]).toMatchObject({ image: IMAGE, network: 'none' });
    // Each system folder as itself (a link would come back as one), the private one's contents.
    expect(engine.copies).toEqual([
      '/lib',
      '/lib64',
      '/usr/lib',
      '/usr/lib64',
      '/var/runtime',
      '/var/runtime/lib',
      '/var/lang/lib/.',
    ]);
    expect(engine.containers.size).toBe(0);
    expect(engine.removed).toHaveLength(1);
  });

  it('streams a folder that links are merged into once (merged /usr: /lib → usr/lib, /lib64 → usr/lib64)', async () => {
    const engine = engineWithImage({
      '/lib': { linkTo: 'usr/lib' },
      '/lib64': { linkTo: 'usr/lib64' },
      '/usr/lib/x86_64-linux-gnu/libz.so.1': file,
      '/usr/lib64/ld-linux-x86-64.so.2': file,
      // A link through a link, and one whose folder is absent: followed, and skipped.
      '/var/runtime': { linkTo: '/opt/runtime' },
      '/opt/runtime': { linkTo: '../usr/lib' },
      '/var/runtime/lib': { linkTo: 'nowhere' },
    });
    const libraries = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    expect(libraries).toEqual(['ld-linux-x86-64.so.2', 'libz.so.1']);
    // /usr/lib and /usr/lib64 are each asked for once, when a link leads there; not again as
    // folders of their own, nor at the end of the chain through /opt/runtime.
    expect(engine.copies).toEqual([
      '/lib',
      '/usr/lib',
      '/lib64',
      '/usr/lib64',
      '/var/runtime',
      '/opt/runtime',
      '/var/runtime/lib',
      '/var/runtime/nowhere',
      '/var/lang/lib/.',
    ]);
  });

  it('caches the list by image id: a second call creates no container', async () => {
    const engine = engineWithImage({ '/usr/lib64/libm.so.6': file, '/usr/lib64/libc.so.6': file });
    const first = await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    const cacheFile = join(cacheDir, 'runtime-libraries', '0123abcd.json');
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toEqual({
      system: ['libc.so.6', 'libm.so.6'],
      private: [],
    });
    expect(await readRuntimeLibraries(engine, IMAGE, { cacheDir })).toEqual(first);
    expect(engine.created).toHaveLength(1);
  });

  it('reads the image again when its id changes', async () => {
    const engine = engineWithImage({ '/lib/libc.so.6': file });
    await readRuntimeLibraries(engine, IMAGE, { cacheDir });
    engine.images.set(IMAGE, { id: 'sha256:ffff0000', architecture: 'amd64' });
    engine.fileSystems.set(IMAGE, { '/lib/libc.so.6': file, '/usr/lib/libnew.so.2': file });
    expect(await readRuntimeLibraries(engine, IMAGE, { cacheDir })).toEqual(['libc.so.6', 'libnew.so.2']);
    expect(engine.created).toHaveLength(2);
  });

  it('fails when the image is not in the engine', async () => {
    const engine = new FakeEngine();
    await expect(readRuntimeLibraries(engine, IMAGE, { cacheDir })).rejects.toThrow(JobFailedError);
    expect(engine.created).toHaveLength(0);
  });

  it('fails, caches nothing and leaves no container when the image has no library', async () => {
    const engine = engineWithImage({ '/var/lang/lib/libssl.so.3': file, '/usr/lib64/README': file });
    await expect(readRuntimeLibraries(engine, IMAGE, { cacheDir })).rejects.toThrow(
      /could not list the libraries/,
    );
    expect(existsSync(join(cacheDir, 'runtime-libraries', '0123abcd.json'))).toBe(false);
    expect(engine.containers.size).toBe(0);
  });

  it('stops when aborted and still removes its container', async () => {
    const engine = engineWithImage(NODE_LIKE);
    const controller = new AbortController();
    controller.abort();
    await expect(
      readRuntimeLibraries(engine, IMAGE, { cacheDir, signal: controller.signal }),
    ).rejects.toThrow(/interrupted/);
    expect(engine.containers.size).toBe(0);
  });
});
