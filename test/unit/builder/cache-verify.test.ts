import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  cacheEntry,
  cacheEntryProblem,
  placeFromCache,
  reusableManifest,
  type CacheEntry,
} from '../../../src/core/builder/cache.js';
import { entryStatus, stampMatches } from '../../../src/core/builder/cache-stamp.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { tempDir } from '../../support/temp-dir.js';

const artifact = 'demo-1.0.0-python3.12-x86_64.zip';
let root: string;
let entry: CacheEntry;
let zipBytes: Buffer;

function manifestFor(bytes: Buffer): string {
  const sha = createHash('sha256').update(bytes);
  return JSON.stringify({
    schemaVersion: 1,
    recipe: { name: 'demo', version: '1.0.0' },
    runtimes: ['python3.12'],
    arch: 'x86_64',
    base: 'debian12',
    zip: {
      file: artifact,
      sha256: sha.copy().digest('hex'),
      codeSha256: sha.digest('base64'),
      zippedBytes: bytes.length,
      unzippedBytes: 10,
      fileCount: 1,
    },
    inputsDigest: 'key1',
    layerforgeVersion: '0.1.0',
  });
}

beforeEach(async () => {
  root = await tempDir('layerforge-cache-verify-');
  entry = cacheEntry(root, 'key1', artifact);
  await mkdir(entry.dir, { recursive: true });
  // Any bytes do: the check compares the file with its manifest, not the zip format.
  zipBytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 251));
  await writeFile(entry.zip, zipBytes);
  await writeFile(entry.manifest, manifestFor(zipBytes));
});

describe('cache entry verification', () => {
  it('reuses an entry whose zip matches its manifest, without a warning', async () => {
    const events: LayerforgeEvent[] = [];
    expect(await cacheEntryProblem(entry)).toBeUndefined();
    expect(await reusableManifest(entry, (e) => events.push(e))).toBeDefined();
    expect(events).toEqual([]);
    expect(existsSync(entry.zip)).toBe(true);
  });

  it('detects one flipped byte, warns, and removes the entry so it is rebuilt', async () => {
    const flipped = Buffer.from(zipBytes);
    flipped[1234] = (flipped[1234] ?? 0) ^ 0x01;
    await writeFile(entry.zip, flipped);
    expect(await cacheEntryProblem(entry)).toMatch(/sha256 is [0-9a-f]{64}, its manifest says [0-9a-f]{64}/);
    const events: LayerforgeEvent[] = [];
    expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'warning', code: 'corrupt-cache-entry' })]);
    expect(existsSync(entry.dir)).toBe(false);
  });

  it('detects a truncated zip by its size', async () => {
    await writeFile(entry.zip, zipBytes.subarray(0, 4000));
    expect(await cacheEntryProblem(entry)).toBe('its zip has 4000 bytes, its manifest says 4096');
  });

  it('detects a manifest that is not one', async () => {
    await writeFile(entry.manifest, '{"schemaVersion": 1');
    expect(await cacheEntryProblem(entry)).toMatch(/^its manifest is unreadable/);
    expect(await reusableManifest(entry, () => {})).toBeUndefined();
    expect(existsSync(entry.dir)).toBe(false);
  });

  it('does not reuse, and does not warn about, an entry that is absent', async () => {
    await rm(entry.zip);
    const events: LayerforgeEvent[] = [];
    expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
    expect(events).toEqual([]);
    expect(await readFile(entry.manifest, 'utf8')).toContain('"schemaVersion":1');
  });

  describe('after a first hit', () => {
    it('records the status of the files it hashed', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      expect(await readFile(join(entry.dir, 'verified-stat'), 'utf8')).toBe(await entryStatus(entry));
    });

    it('trusts an unchanged zip without hashing it again', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      // Bytes that no longer match the manifest, with the recorded status made to fit them: only a
      // disk rotting bytes in place could do this. The hit takes the stamp's word for it.
      const flipped = Buffer.from(zipBytes);
      flipped[7] = (flipped[7] ?? 0) ^ 0x01;
      await writeFile(entry.zip, flipped);
      await writeFile(join(entry.dir, 'verified-stat'), await entryStatus(entry));
      expect(await reusableManifest(entry, () => {})).toBeDefined();
    });

    it('hashes again a zip written since, even with its mtime set back', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      const before = await stat(entry.zip);
      const flipped = Buffer.from(zipBytes);
      flipped[7] = (flipped[7] ?? 0) ^ 0x01;
      await writeFile(entry.zip, flipped);
      await utimes(entry.zip, before.atime, before.mtime);
      const events: LayerforgeEvent[] = [];
      expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
      expect(events).toEqual([expect.objectContaining({ type: 'warning', code: 'corrupt-cache-entry' })]);
    });

    it('returns the manifest it checked, and the same one from its stamp', async () => {
      const checked = await reusableManifest(entry, () => {});
      expect(checked).toEqual(JSON.parse(manifestFor(zipBytes)));
      expect(await reusableManifest(entry, () => {})).toEqual(checked);
    });

    it('reads a stamped manifest without its schema, and an unstamped one through it', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      // A key the strict schema refuses, with the stamp made to fit: the stamped read does not
      // build the schema (a hit then loads no zod). Only a hand-made stamp can get here.
      const extra = JSON.stringify({ ...JSON.parse(manifestFor(zipBytes)), extra: true });
      await writeFile(entry.manifest, extra);
      await writeFile(join(entry.dir, 'verified-stat'), await entryStatus(entry));
      expect(await reusableManifest(entry, () => {})).toMatchObject({ extra: true });
      await rm(join(entry.dir, 'verified-stat'));
      const events: LayerforgeEvent[] = [];
      expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
      expect(events).toEqual([
        expect.objectContaining({
          code: 'corrupt-cache-entry',
          message: expect.stringMatching(/unreadable/),
        }),
      ]);
    });

    it('checks in full a stamped manifest that no longer parses, and rebuilds the entry', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      // Bytes rotted in place under a stamp made to fit, as above.
      await writeFile(entry.manifest, '{"schemaVersion": 1');
      await writeFile(join(entry.dir, 'verified-stat'), await entryStatus(entry));
      const events: LayerforgeEvent[] = [];
      expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
      expect(events).toEqual([expect.objectContaining({ code: 'corrupt-cache-entry' })]);
    });

    it('checks a manifest edited since with its schema', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      await writeFile(entry.manifest, JSON.stringify({ ...JSON.parse(manifestFor(zipBytes)), extra: true }));
      expect(await reusableManifest(entry, () => {})).toBeUndefined();
      expect(existsSync(entry.dir)).toBe(false);
    });

    it('hashes again when the manifest changed since', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      await writeFile(entry.manifest, manifestFor(Buffer.from('other bytes')));
      expect(await reusableManifest(entry, () => {})).toBeUndefined();
    });
  });

  describe('placed in dist/ as a hard link', () => {
    it('keeps the stamp valid after its own link, so the next hit does not hash again', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      const dist = join(root, 'dist.zip');
      await placeFromCache(entry, dist);
      expect((await stat(dist)).ino).toBe((await stat(entry.zip)).ino);
      expect(await readFile(dist.replace(/\.zip$/, '.manifest.json'), 'utf8')).toBe(
        await readFile(entry.manifest, 'utf8'),
      );
      expect(await stampMatches(entry, await entryStatus(entry))).toBe(true);
    });

    it('notices a write through the link in dist/, and rebuilds the entry', async () => {
      expect(await reusableManifest(entry, () => {})).toBeDefined();
      const dist = join(root, 'dist.zip');
      await placeFromCache(entry, dist);
      await writeFile(
        dist,
        Buffer.concat([zipBytes.subarray(0, 100), Buffer.from('edited'), zipBytes.subarray(106)]),
      );
      const events: LayerforgeEvent[] = [];
      expect(await reusableManifest(entry, (e) => events.push(e))).toBeUndefined();
      expect(events).toEqual([expect.objectContaining({ type: 'warning', code: 'corrupt-cache-entry' })]);
    });

    it('does not stamp an entry that was not verified', async () => {
      await placeFromCache(entry, join(root, 'dist.zip'));
      expect(await stampMatches(entry, await entryStatus(entry))).toBe(false);
    });
  });
});
