import { describe, expect, it } from 'vitest';
import {
  selectByPolicy,
  selectCacheItemsToClean,
  selectCacheItemsToPrune,
  selectImagesToPrune,
} from '../../../src/core/cache/select.js';
import type { CacheItem, CacheListing, LayerforgeImage } from '../../../src/core/cache/types.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

function item(name: string, group: string, days: number, extra: Partial<CacheItem> = {}): CacheItem {
  return {
    kind: 'build',
    what: name,
    paths: [`/c/${name}`],
    bytes: 10,
    usedAt: ago(days),
    group,
    listedMtimeMs: 0,
    ...extra,
  };
}

const listing = (items: CacheItem[]): CacheListing => ({ root: '/c', items, bytes: items.length * 10 });
const names = (items: readonly { what: string }[]) => items.map((i) => i.what).sort();

describe('selectByPolicy', () => {
  const candidates = [
    { name: 'a1', group: 'a', days: 1 },
    { name: 'a5', group: 'a', days: 5 },
    { name: 'a40', group: 'a', days: 40 },
    { name: 'a60', group: 'a', days: 60 },
    { name: 'b50', group: 'b', days: 50 },
  ];
  const facts = (c: (typeof candidates)[number]) => ({
    group: c.group,
    usedAtMs: NOW.getTime() - c.days * DAY,
  });
  const select = (policy: { olderThanMs?: number; keepLast?: number }) =>
    selectByPolicy(candidates, facts, policy, NOW)
      .map((c) => c.name)
      .sort();

  it('keeps the last N of each group', () => {
    expect(select({ keepLast: 2 })).toEqual(['a40', 'a60']);
    expect(select({ keepLast: 1 })).toEqual(['a40', 'a5', 'a60']);
  });

  it('removes what is older than the age, whatever its group', () => {
    expect(select({ olderThanMs: 30 * DAY })).toEqual(['a40', 'a60', 'b50']);
  });

  it('with both, removes only what is old and beyond the last N', () => {
    // b50 is old but the last of its group; a5 is beyond the last 1 but recent.
    expect(select({ olderThanMs: 30 * DAY, keepLast: 1 })).toEqual(['a40', 'a60']);
  });

  it('removes nothing without a rule, and never by age what has no date', () => {
    expect(select({})).toEqual([]);
    expect(
      selectByPolicy([{ group: 'g' }], () => ({ group: 'g', usedAtMs: undefined }), { olderThanMs: 1 }, NOW),
    ).toEqual([]);
  });
});

describe('what prune and clean take from the folder', () => {
  const items = [
    item('new', 'g', 1, { base: 'debian12' }),
    item('old', 'g', 40, { base: 'debian12' }),
    item('lambda-old', 'h', 40, { base: 'lambda' }),
    item('leftover', '/c/.x.1.tmp', 40, { kind: 'partial' }),
    item('writing', '/c/.y.2.tmp', 40, { kind: 'partial', inUse: 'being written' }),
    item('just-used', 'g', 0, { base: 'debian12', inUse: 'used just now' }),
    item('foreign', '/c/notes', 400, { kind: 'other' }),
  ];

  it("prune: the policy, plus leftovers; never what is in use or not layerforge's", () => {
    expect(names(selectCacheItemsToPrune(listing(items), { olderThanMs: 30 * DAY }, NOW))).toEqual([
      'lambda-old',
      'leftover',
      'old',
    ]);
    expect(names(selectCacheItemsToPrune(listing(items), { keepLast: 1 }, NOW))).toEqual(['leftover', 'old']);
  });

  it('prune and clean of one base leave the others', () => {
    expect(
      names(selectCacheItemsToPrune(listing(items), { olderThanMs: 30 * DAY, base: 'debian12' }, NOW)),
    ).toEqual(['old']);
    expect(names(selectCacheItemsToClean(listing(items), 'lambda'))).toEqual(['lambda-old']);
  });

  it('clean: everything but what is in use', () => {
    expect(names(selectCacheItemsToClean(listing(items)))).toEqual([
      'foreign',
      'lambda-old',
      'leftover',
      'new',
      'old',
    ]);
  });
});

describe('what prune takes from the engine', () => {
  function image(
    what: string,
    kind: LayerforgeImage['kind'],
    created: string | undefined,
    group = what,
  ): LayerforgeImage {
    return { id: `sha256:${what}`, tags: [], bytes: 1, kind, group, what, ...(created ? { created } : {}) };
  }

  it('removes dangling stages past the grace, and by the policy named images with a date', () => {
    const images = [
      image('stage-old', 'dangling', ago(1)),
      image('stage-building', 'dangling', new Date(NOW.getTime() - 60_000).toISOString()),
      image('runtime-new', 'runtime', ago(1), 'runtime'),
      image('runtime-old', 'runtime', ago(2), 'runtime'),
      image('rootfs', 'rootfs', undefined, 'rootfs'),
      image('rootfs-2', 'rootfs', undefined, 'rootfs'),
      image('foreign', 'other', ago(100)),
    ];
    expect(names(selectImagesToPrune(images, { keepLast: 1 }, NOW))).toEqual(['runtime-old', 'stage-old']);
  });
});
