import type { JobContext } from '../job-context.js';
import { cacheDir } from '../paths.js';
import { listLayerforgeImages } from './images.js';
import { removeCacheItems, removeImages } from './remove.js';
import { scanCache } from './scan.js';
import {
  inBase,
  selectCacheItemsToClean,
  selectCacheItemsToPrune,
  selectImagesToClean,
  selectImagesToPrune,
} from './select.js';
import type { CacheItem, CacheListing, LayerforgeImage, PrunePolicy, Removal } from './types.js';

/** The cache folder, and the engine's layerforge images when asked for and reachable. */
export interface CacheContents {
  listing: CacheListing;
  /** Undefined when not asked for, or when the engine did not answer (`imagesError` says why). */
  images?: LayerforgeImage[];
  imagesError?: string;
}

/** `cache list`: reads the cache folder and, with `images`, the engine's layerforge images. */
export async function listCacheContents(
  job: JobContext,
  options: { images: boolean },
): Promise<CacheContents> {
  const listing = await scanCache(cacheDir(job.env), { signal: job.signal });
  if (!options.images) return { listing };
  try {
    return { listing, images: await listLayerforgeImages(await job.engine()) };
  } catch (error) {
    // The folder is worth showing without the engine: say why the images are missing.
    return { listing, imagesError: error instanceof Error ? error.message : String(error) };
  }
}

/** What a prune or clean would remove. */
export interface CacheRemovalPlan {
  root: string;
  items: CacheItem[];
  images: LayerforgeImage[];
  /** Items kept because they are in use (being written, or used just now). */
  inUse: CacheItem[];
  /** The items' bytes in the cache folder (images are counted apart: they share layers). */
  bytes: number;
}

function plan(
  listing: CacheListing,
  items: CacheItem[],
  images: LayerforgeImage[],
  base: string | undefined,
): CacheRemovalPlan {
  return {
    root: listing.root,
    items,
    images,
    inUse: listing.items.filter((i) => i.inUse !== undefined && inBase(i.base, base)),
    bytes: items.reduce((n, i) => n + i.bytes, 0),
  };
}

async function imagesOf(job: JobContext, wanted: boolean): Promise<LayerforgeImage[]> {
  if (!wanted) return [];
  const engine = await job.engine();
  await engine.ping(job.signal);
  return listLayerforgeImages(engine);
}

/** `cache prune`: what the policy selects (see `select.ts`); images only with `images`. */
export async function planCachePrune(
  job: JobContext,
  policy: PrunePolicy,
  options: { images: boolean; now?: Date },
): Promise<CacheRemovalPlan> {
  const now = options.now ?? new Date();
  const listing = await scanCache(cacheDir(job.env), { now, signal: job.signal });
  const images = selectImagesToPrune(await imagesOf(job, options.images), policy, now);
  return plan(listing, selectCacheItemsToPrune(listing, policy, now), images, policy.base);
}

/** `cache clean`: everything but what is being written; images only with `images`. */
export async function planCacheClean(
  job: JobContext,
  options: { images: boolean; base?: string },
): Promise<CacheRemovalPlan> {
  const listing = await scanCache(cacheDir(job.env), { signal: job.signal });
  const images = selectImagesToClean(await imagesOf(job, options.images), options.base);
  return plan(listing, selectCacheItemsToClean(listing, options.base), images, options.base);
}

export interface CacheRemovalResult {
  items: Removal[];
  images: Removal[];
  /** Bytes freed in the cache folder (an item used since it was listed frees none). */
  bytes: number;
}

/** Carries out a plan; stops between two removals when the job's signal aborts. */
export async function removeCachePlan(plan: CacheRemovalPlan, job: JobContext): Promise<CacheRemovalResult> {
  const items = await removeCacheItems(plan.items, { signal: job.signal });
  const images =
    plan.images.length > 0 ? await removeImages(plan.images, await job.engine(), job.signal) : [];
  const bytes = items.reduce((n, r) => n + r.bytes, 0);
  return { items, images, bytes };
}
