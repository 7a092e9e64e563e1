import { WRITING_GRACE_MS } from './scan.js';
import type { CacheItem, CacheListing, LayerforgeImage, PrunePolicy } from './types.js';

/** What decides one candidate's fate: its group, and when it was last used (unknown for some images). */
interface Facts {
  group: string;
  usedAtMs: number | undefined;
}

/**
 * The candidates a policy removes. Within each group the most recently used come first; one is
 * removed when it is older than `olderThanMs` (if given) and not among the first `keepLast` (if
 * given). With neither, nothing is removed. An unknown date is never "older than".
 */
export function selectByPolicy<T>(
  candidates: readonly T[],
  facts: (candidate: T) => Facts,
  policy: Pick<PrunePolicy, 'olderThanMs' | 'keepLast'>,
  now: Date,
): T[] {
  const { olderThanMs, keepLast } = policy;
  if (olderThanMs === undefined && keepLast === undefined) return [];
  const groups = new Map<string, T[]>();
  for (const candidate of candidates) {
    const { group } = facts(candidate);
    groups.set(group, [...(groups.get(group) ?? []), candidate]);
  }
  const removed: T[] = [];
  for (const members of groups.values()) {
    const newestFirst = [...members].sort(
      (a, b) => (facts(b).usedAtMs ?? -Infinity) - (facts(a).usedAtMs ?? -Infinity),
    );
    newestFirst.forEach((candidate, rank) => {
      const usedAtMs = facts(candidate).usedAtMs;
      const old =
        olderThanMs === undefined || (usedAtMs !== undefined && now.getTime() - usedAtMs > olderThanMs);
      const beyond = keepLast === undefined || rank >= keepLast;
      if (old && beyond) removed.push(candidate);
    });
  }
  return removed;
}

/** Whether an item or image belongs to the base asked for (any, when none was). */
export function inBase(base: string | undefined, wanted: string | undefined): boolean {
  return wanted === undefined || base === wanted;
}

/**
 * What `cache prune` removes from the folder: what the policy selects, plus whatever a run that
 * stopped left under a temporary name. Never an item in use, nor one layerforge did not write.
 */
export function selectCacheItemsToPrune(listing: CacheListing, policy: PrunePolicy, now: Date): CacheItem[] {
  const eligible = listing.items.filter((i) => !i.inUse && inBase(i.base, policy.base));
  const leftovers = eligible.filter((i) => i.kind === 'partial');
  const managed = eligible.filter((i) => i.kind !== 'partial' && i.kind !== 'other');
  const chosen = selectByPolicy(
    managed,
    (i) => ({ group: i.group, usedAtMs: Date.parse(i.usedAt) }),
    policy,
    now,
  );
  return [...leftovers, ...chosen];
}

/** What `cache clean` removes from the folder: everything but what is in use. */
export function selectCacheItemsToClean(listing: CacheListing, base?: string): CacheItem[] {
  return listing.items.filter((i) => !i.inUse && inBase(i.base, base));
}

/**
 * What `cache prune --images` removes: the policy over named images, plus dangling ones (the
 * first stages of multi-stage builds) older than the grace a build in progress may still need.
 */
export function selectImagesToPrune(
  images: readonly LayerforgeImage[],
  policy: PrunePolicy,
  now: Date,
): LayerforgeImage[] {
  const eligible = images.filter((i) => inBase(i.base, policy.base));
  const dangling = eligible.filter(
    (i) =>
      i.kind === 'dangling' &&
      i.created !== undefined &&
      now.getTime() - Date.parse(i.created) > WRITING_GRACE_MS,
  );
  // An image of unknown age (a root file system image) is neither old nor older than another:
  // prune keeps it (`clean --images` removes it). Removing it would mostly untag it anyway, as
  // the build and runtime images on top of it hold its layer.
  const named = eligible.filter(
    (i) => i.kind !== 'dangling' && i.kind !== 'other' && i.created !== undefined,
  );
  const chosen = selectByPolicy(
    named,
    (i) => ({ group: i.group, usedAtMs: Date.parse(i.created ?? '') }),
    policy,
    now,
  );
  return [...dangling, ...chosen];
}

/** What `cache clean --images` removes: every image layerforge made (of that base). */
export function selectImagesToClean(images: readonly LayerforgeImage[], base?: string): LayerforgeImage[] {
  return images.filter((i) => inBase(i.base, base));
}
