import { lstat, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ContainerEngine } from '../engine/container-engine.js';
import { throwIfAborted } from '../errors.js';
import type { CacheItem, LayerforgeImage, Removal } from './types.js';

/** The name an item takes while it is deleted: a temporary name, so a stopped removal is a leftover. */
function removingName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.removing.tmp`);
}

async function mtimeOrGone(path: string): Promise<number | undefined> {
  try {
    return (await lstat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes one item. First renamed out of the way in one step, so a build looking it up sees it
 * whole or not at all (never a zip without its manifest); then deleted. An item touched since it
 * was listed (a build reused it) is left alone.
 */
async function removeItem(item: CacheItem): Promise<Removal['outcome']> {
  const [first, ...rest] = item.paths;
  if (first === undefined) return 'gone';
  const mtime = await mtimeOrGone(first);
  if (mtime === undefined) return 'gone';
  if (mtime > item.listedMtimeMs) return 'used-since';
  const moved: string[] = [];
  for (const path of [first, ...rest]) {
    const to = removingName(path);
    try {
      await rename(path, to);
      moved.push(to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  for (const path of moved) await rm(path, { recursive: true, force: true });
  return moved.length > 0 ? 'removed' : 'gone';
}

/**
 * Removes cache items one at a time, stopping between two items when the signal aborts (an
 * item is never left half-deleted under its own name). Returns what happened to each.
 */
export async function removeCacheItems(
  items: readonly CacheItem[],
  options: { signal?: AbortSignal; onRemoval?: (removal: Removal) => void } = {},
): Promise<Removal[]> {
  const done: Removal[] = [];
  for (const item of items) {
    throwIfAborted(options.signal);
    const outcome = await removeItem(item);
    const removal = {
      name: item.paths[0] ?? item.what,
      bytes: outcome === 'removed' ? item.bytes : 0,
      outcome,
    };
    done.push(removal);
    options.onRemoval?.(removal);
  }
  return done;
}

/**
 * Removes images through the engine, never forcing: one a container uses (a build running now)
 * is reported `in-use` and stays. A named image is removed by each of its names; the engine
 * deletes it with its last name.
 */
export async function removeImages(
  images: readonly LayerforgeImage[],
  engine: ContainerEngine,
  signal?: AbortSignal,
): Promise<Removal[]> {
  const done: Removal[] = [];
  for (const image of images) {
    const references = image.tags.length > 0 ? image.tags : [image.id];
    let outcome: Removal['outcome'] = 'gone';
    for (const reference of references) {
      throwIfAborted(signal);
      const result = await engine.removeImage(reference);
      if (result === 'in-use') outcome = 'in-use';
      else if (result === 'removed' && outcome !== 'in-use') outcome = 'removed';
    }
    done.push({ name: references[0] ?? image.id, bytes: outcome === 'removed' ? image.bytes : 0, outcome });
  }
  return done;
}
