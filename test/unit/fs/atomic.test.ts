import { readdirSync, readlinkSync } from 'node:fs';
import { mkdir, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheEntry, commitToCache } from '../../../src/core/builder/cache.js';
import { writeFileAtomic } from '../../../src/core/fs/atomic.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
/** Paths whose file descriptor was fsync'ed, read back from /proc: the real sync still runs. */
let synced: string[];

beforeEach(async () => {
  root = await tempDir('layerforge-atomic-');
  synced = [];
  const probe = await open(root, 'r');
  const prototype = Object.getPrototypeOf(probe) as { sync: (this: { fd: number }) => Promise<void> };
  await probe.close();
  const sync = prototype.sync;
  vi.spyOn(prototype, 'sync').mockImplementation(function (this: { fd: number }) {
    synced.push(readlinkSync(`/proc/self/fd/${this.fd}`));
    return sync.call(this);
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
});

describe('writeFileAtomic', () => {
  it('writes the whole file, flushes its data and then its folder, and leaves no temporary file', async () => {
    const path = join(root, 'lock.json');
    await writeFileAtomic(path, '{"a":1}\n');
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(root)).toEqual(['lock.json']);
    // The temporary name is flushed before the rename, the folder after it.
    expect(synced).toHaveLength(2);
    expect(synced[0]).toMatch(/\/\.lock\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(synced[1]).toBe(root);
  });

  it('replaces an existing file whole', async () => {
    const path = join(root, 'data.txt');
    await writeFile(path, 'old contents, longer than the new ones');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  it('fails without leaving a temporary file when the folder is missing', async () => {
    await expect(writeFileAtomic(join(root, 'missing', 'x.json'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('commitToCache durability', () => {
  it('flushes every file of the entry and the staging folder before the rename, and the cache folder after', async () => {
    const artifact = 'demo-1.0.0-python3.12-x86_64.zip';
    const staging = join(root, 'staging');
    await mkdir(staging);
    await writeFile(join(staging, artifact), 'zip');
    await writeFile(join(staging, 'demo-1.0.0-python3.12-x86_64.manifest.json'), '{}');
    const entry = cacheEntry(join(root, 'cache'), 'key1', artifact);
    await commitToCache(staging, entry);
    expect(synced.slice(0, 2).sort()).toEqual([
      join(staging, 'demo-1.0.0-python3.12-x86_64.manifest.json'),
      join(staging, artifact),
    ]);
    expect(synced.slice(2)).toEqual([staging, join(root, 'cache', 'builds')]);
    expect(await readFile(entry.zip, 'utf8')).toBe('zip');
  });
});
