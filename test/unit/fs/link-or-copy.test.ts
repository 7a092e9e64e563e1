import type * as FsPromises from 'node:fs/promises';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../support/temp-dir.js';

// A link that fails as it does across file systems: the copy path must then place the file.
const linkFailure = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    link: (from: string, to: string) =>
      linkFailure.code
        ? Promise.reject(Object.assign(new Error(`${linkFailure.code}: link`), { code: linkFailure.code }))
        : real.link(from, to),
  };
});
const { linkOrCopyFileAtomic } = await import('../../../src/core/fs/atomic.js');

afterEach(() => {
  linkFailure.code = undefined;
});

describe('linkOrCopyFileAtomic', () => {
  it('places a hard link to the cached file, and leaves no temporary name', async () => {
    const dir = await tempDir('layerforge-link-');
    await writeFile(join(dir, 'cached.zip'), 'zip bytes');
    await linkOrCopyFileAtomic(join(dir, 'cached.zip'), join(dir, 'dist.zip'));
    expect((await stat(join(dir, 'dist.zip'))).ino).toBe((await stat(join(dir, 'cached.zip'))).ino);
    expect((await readdir(dir)).sort()).toEqual(['cached.zip', 'dist.zip']);
  });

  it('replaces an older file, and is a no-op over a link to the same file', async () => {
    const dir = await tempDir('layerforge-link-');
    await writeFile(join(dir, 'cached.zip'), 'new bytes');
    await writeFile(join(dir, 'dist.zip'), 'old bytes');
    await linkOrCopyFileAtomic(join(dir, 'cached.zip'), join(dir, 'dist.zip'));
    await linkOrCopyFileAtomic(join(dir, 'cached.zip'), join(dir, 'dist.zip'));
    expect(await readFile(join(dir, 'dist.zip'), 'utf8')).toBe('new bytes');
    expect((await readdir(dir)).sort()).toEqual(['cached.zip', 'dist.zip']);
  });

  it('copies when the link fails, as across file systems', async () => {
    const dir = await tempDir('layerforge-link-');
    await writeFile(join(dir, 'cached.zip'), 'zip bytes');
    linkFailure.code = 'EXDEV';
    await linkOrCopyFileAtomic(join(dir, 'cached.zip'), join(dir, 'dist.zip'));
    expect(await readFile(join(dir, 'dist.zip'), 'utf8')).toBe('zip bytes');
    expect((await stat(join(dir, 'dist.zip'))).ino).not.toBe((await stat(join(dir, 'cached.zip'))).ino);
    expect((await readdir(dir)).sort()).toEqual(['cached.zip', 'dist.zip']);
  });
});
