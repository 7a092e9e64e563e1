import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { scanCache } from '../cache/scan.js';
import type { DoctorCheck } from './types.js';

/** Over this, `doctor` suggests a prune: a few base images' root file systems and a dozen layers. */
export const CACHE_WARN_BYTES = 2 * 1024 ** 3;
/** Under this much free space a stand-in base image (≈1 GB with its root file system) may not fit. */
export const FREE_WARN_BYTES = 2 * 1024 ** 3;

function gb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** The free space where the cache lives (or would be created). */
async function freeBytes(path: string): Promise<number | undefined> {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const fs = await statfs(dir);
      return fs.bavail * fs.bsize;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

export async function checkCache(root: string, signal: AbortSignal): Promise<DoctorCheck> {
  const listing = await scanCache(root, { signal });
  const free = await freeBytes(root);
  const summary = `${root}: ${mb(listing.bytes)} in ${listing.items.length} item(s)${free === undefined ? '' : `, ${gb(free)} free`}`;
  const check = {
    id: 'cache',
    where: 'host' as const,
    summary,
    details: ['`layerforge cache list` shows what it holds'],
  };
  if (free !== undefined && free < FREE_WARN_BYTES) {
    return {
      ...check,
      status: 'warn',
      hint: 'free some space: `layerforge cache prune --older-than 30d`, or `cache clean`',
    };
  }
  if (listing.bytes > CACHE_WARN_BYTES) {
    return {
      ...check,
      status: 'warn',
      hint: '`layerforge cache prune --older-than 30d` (or --keep-last 2) frees what is old',
    };
  }
  return { ...check, status: 'ok' };
}
