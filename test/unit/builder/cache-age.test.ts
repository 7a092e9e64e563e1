import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cacheEntry, isStale, reusableManifest } from '../../../src/core/builder/cache.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tempDir } from '../../support/temp-dir.js';

const HOUR = 3_600_000;

/** A whole cache entry whose zip was written at `builtAt`. */
async function entryBuiltAt(builtAt: Date) {
  const root = await tempDir('layerforge-cache-age-');
  const entry = cacheEntry(root, 'k'.repeat(64), 'deps-0.0.0-python3.11-x86_64.zip');
  await mkdir(entry.dir, { recursive: true });
  const zip = Buffer.from('zip bytes');
  await writeFile(entry.zip, zip);
  await writeFile(
    entry.manifest,
    JSON.stringify({
      zip: { sha256: createHash('sha256').update(zip).digest('hex'), zippedBytes: zip.length },
    }),
  );
  await utimes(entry.zip, builtAt, builtAt);
  return entry;
}

describe('the age of a build from unpinned dependencies', () => {
  const now = new Date('2026-12-01T12:00:00Z');

  it('is stale once its zip is as old as the limit; without a limit never', async () => {
    const entry = await entryBuiltAt(new Date(now.getTime() - 25 * HOUR));
    expect(await isStale(entry, 24 * HOUR, now)).toBe(true);
    expect(await isStale(entry, 26 * HOUR, now)).toBe(false);
    expect(await isStale(entry, undefined, now)).toBe(false);
  });

  it('a stale entry is removed so it is rebuilt, with an info event; --refresh (0) makes any entry stale', async () => {
    const events: LayerforgeEvent[] = [];
    const entry = await entryBuiltAt(new Date(now.getTime() - HOUR));
    expect(await reusableManifest(entry, (e) => events.push(e), { maxAgeMs: 0, now })).toBeUndefined();
    expect(existsSync(entry.dir)).toBe(false);
    expect(events).toEqual([
      { type: 'info', message: expect.stringMatching(/resolving them again$/) as string },
    ]);
  });

  it('a hit does not make an entry younger: its age is the zip’s, not the folder’s (which hits touch)', async () => {
    const entry = await entryBuiltAt(new Date(now.getTime() - 25 * HOUR));
    await utimes(entry.dir, now, now);
    expect(await isStale(entry, 24 * HOUR, now)).toBe(true);
  });
});
