import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheEntry, reusableManifest } from '../../../src/core/builder/cache.js';
import { listLayerforgeImages } from '../../../src/core/cache/images.js';
import { removeCacheItems, removeImages } from '../../../src/core/cache/remove.js';
import { scanCache } from '../../../src/core/cache/scan.js';
import { selectCacheItemsToClean } from '../../../src/core/cache/select.js';
import { LABELS } from '../../../src/core/engine/container-engine.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { ignoreEvents } from '../../../src/core/events.js';
import { DAY, fixtureBuild, fixtureRootfs, fixtureStaging } from '../../support/cache-fixture.js';
import { FakeEngine } from '../../support/fake-engine.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lf-cache-remove-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every name left in the cache, temporary ones included. */
async function leftNames(): Promise<string[]> {
  const all: string[] = [];
  for (const dir of ['builds', 'logs', 'rootfs']) {
    for (const name of await readdir(join(root, dir)).catch(() => [])) all.push(`${dir}/${name}`);
  }
  return all.sort();
}

describe('removeCacheItems', () => {
  it('removes a build with its log, leaving no temporary name behind', async () => {
    await fixtureBuild(root, {
      recipe: 'jq',
      runtime: 'provided.al2023',
      arch: 'x86_64',
      msAgo: 2 * DAY,
      log: true,
    });
    const listing = await scanCache(root);
    const removals = await removeCacheItems(listing.items);
    expect(removals).toEqual([expect.objectContaining({ outcome: 'removed', bytes: listing.bytes })]);
    expect(await leftNames()).toEqual([]);
  });

  it('leaves an entry a build reused after the listing (the reuse touches it)', async () => {
    const digest = await fixtureBuild(root, {
      recipe: 'jq',
      runtime: 'provided.al2023',
      arch: 'x86_64',
      msAgo: 2 * DAY,
    });
    const listing = await scanCache(root);
    // A build finds the entry between the listing and the removal.
    const entry = cacheEntry(root, digest, 'jq-1.0.0-provided.al2023-x86_64.zip');
    expect(await reusableManifest(entry, ignoreEvents)).toBeDefined();
    const removals = await removeCacheItems(selectCacheItemsToClean(listing));
    expect(removals).toEqual([expect.objectContaining({ outcome: 'used-since', bytes: 0 })]);
    expect(existsSync(entry.zip) && existsSync(entry.manifest)).toBe(true);
    // And a later listing sees it as used just now: neither prune nor clean takes it.
    expect((await scanCache(root)).items[0]?.inUse).toBe('used just now');
  });

  it('stops between two items when interrupted, each item whole or gone', async () => {
    await fixtureBuild(root, {
      recipe: 'jq',
      runtime: 'provided.al2023',
      arch: 'x86_64',
      msAgo: 2 * DAY,
      log: true,
    });
    await fixtureRootfs(root, 'debian12', 'x86_64', 3 * DAY);
    const listing = await scanCache(root);
    const stop = new AbortController();
    await expect(
      removeCacheItems(listing.items, { signal: stop.signal, onRemoval: () => stop.abort() }),
    ).rejects.toBeInstanceOf(InterruptedError);
    const left = await leftNames();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^rootfs\/debian12-[0-9a-f]{16}-x86_64\.tar$/);
  });

  it('a clean never takes the folder a live build is about to rename into place', async () => {
    const staging = await fixtureStaging(root, process.pid, 3 * DAY);
    await fixtureRootfs(root, 'debian12', 'arm64', 3 * DAY);
    const listing = await scanCache(root);
    await removeCacheItems(selectCacheItemsToClean(listing));
    expect(existsSync(join(staging, 'layer.zip'))).toBe(true);
    expect(await leftNames()).toEqual([`builds/${staging.slice(staging.lastIndexOf('/') + 1)}`]);
  });
});

describe('removeImages', () => {
  it('removes by name, and leaves an image a container uses', async () => {
    const engine = new FakeEngine();
    const managed = { [LABELS.managed]: 'true' };
    engine.images.set('layerforge/debian12-runtime:0000000000000001-x86_64', {
      id: 'sha256:r1',
      architecture: 'amd64',
      labels: managed,
      created: '2026-11-01T00:00:00Z',
    });
    engine.images.set('layerforge/debian12-runtime:0000000000000002-x86_64', {
      id: 'sha256:r2',
      architecture: 'amd64',
      labels: managed,
      created: '2026-11-02T00:00:00Z',
    });
    engine.images.set('sha256:stage', { id: 'sha256:stage', architecture: 'amd64', labels: managed });
    engine.imagesInUse.add('sha256:r2');
    const images = await listLayerforgeImages(engine);
    expect(images.map((i) => [i.kind, i.what])).toEqual([
      ['runtime', 'debian12 runtime image x86_64 (0000000000000002)'],
      ['runtime', 'debian12 runtime image x86_64 (0000000000000001)'],
      ['dangling', 'untagged (a stage of an earlier build)'],
    ]);
    const removals = await removeImages(images, engine);
    expect(removals.map((r) => [r.name, r.outcome])).toEqual([
      ['layerforge/debian12-runtime:0000000000000002-x86_64', 'in-use'],
      ['layerforge/debian12-runtime:0000000000000001-x86_64', 'removed'],
      ['sha256:stage', 'removed'],
    ]);
    expect([...engine.images.keys()]).toEqual(['layerforge/debian12-runtime:0000000000000002-x86_64']);
  });
});
