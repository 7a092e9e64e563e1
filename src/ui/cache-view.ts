import type { CacheContents, CacheRemovalPlan, CacheRemovalResult } from '../core/cache/manage.js';
import type { CacheItem, LayerforgeImage, Removal } from '../core/cache/types.js';
import { formatAge } from './age.js';
import { formatBytes, formatTable } from './format.js';

function itemRows(items: readonly CacheItem[], now: Date): string[][] {
  return items.map((i) => [
    i.kind,
    i.inUse ? `${i.what} (in use: ${i.inUse})` : i.what,
    formatBytes(i.bytes),
    formatAge(i.usedAt, now),
  ]);
}

function imageRows(images: readonly LayerforgeImage[], now: Date): string[][] {
  return images.map((i) => [
    i.kind,
    i.tags[0] ?? i.id.slice(0, 19),
    i.arch ?? '-',
    formatBytes(i.bytes),
    formatAge(i.created, now),
  ]);
}

/** `cache list`: the folder's items, then the engine's images. */
export function formatCacheContents(contents: CacheContents, now = new Date()): string {
  const { listing } = contents;
  const parts = [
    `cache folder ${listing.root}: ${formatBytes(listing.bytes)} in ${listing.items.length} item(s)`,
  ];
  if (listing.items.length > 0)
    parts.push(formatTable([['KIND', 'WHAT', 'SIZE', 'LAST USED'], ...itemRows(listing.items, now)]));
  if (contents.imagesError) parts.push(`images: not listed (${contents.imagesError})`);
  else if (contents.images) {
    parts.push(
      `images layerforge made: ${contents.images.length} (each size counts the layers it shares with others)`,
    );
    if (contents.images.length > 0)
      parts.push(
        formatTable([['KIND', 'IMAGE', 'ARCH', 'SIZE', 'CREATED'], ...imageRows(contents.images, now)]),
      );
  }
  return parts.join('\n\n');
}

/** What a prune or clean is about to remove (or would, with --dry-run). */
export function formatCachePlan(plan: CacheRemovalPlan, now = new Date()): string {
  const parts: string[] = [];
  if (plan.items.length > 0)
    parts.push(formatTable([['KIND', 'WHAT', 'SIZE', 'LAST USED'], ...itemRows(plan.items, now)]));
  if (plan.images.length > 0)
    parts.push(formatTable([['KIND', 'IMAGE', 'ARCH', 'SIZE', 'CREATED'], ...imageRows(plan.images, now)]));
  if (plan.inUse.length > 0)
    parts.push(`kept, in use: ${plan.inUse.map((i) => `${i.what} (${i.inUse ?? ''})`).join('; ')}`);
  return parts.join('\n\n');
}

function outcomes(removals: readonly Removal[]): string[] {
  return removals
    .filter((r) => r.outcome !== 'removed')
    .map((r) =>
      r.outcome === 'in-use'
        ? `kept ${r.name}: a container uses it`
        : r.outcome === 'used-since'
          ? `kept ${r.name}: a build used it since it was listed`
          : `${r.name} was already gone`,
    );
}

/** `N item(s), X MB` from the cache folder, `and M image(s)` from the engine. */
export function removalSummary(items: number, bytes: number, images: number): string {
  return `${items} item(s), ${formatBytes(bytes)}, from the cache folder${images > 0 ? ` and ${images} image(s) from the engine` : ''}`;
}

/** After a prune or clean: what went, what stayed and why. */
export function formatCacheResult(result: CacheRemovalResult): string {
  const removed = (list: readonly Removal[]) => list.filter((r) => r.outcome === 'removed').length;
  return [
    `removed ${removalSummary(removed(result.items), result.bytes, removed(result.images))}`,
    ...outcomes(result.items),
    ...outcomes(result.images),
  ].join('\n');
}
