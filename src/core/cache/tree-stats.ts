import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '../errors.js';

/** A file or folder's size (bytes of every file below it, links not followed) and newest mtime. */
export interface TreeStats {
  bytes: number;
  newestMtimeMs: number;
}

/** Walks `path` without following links; a file that vanishes during the walk counts as nothing. */
export async function treeStats(path: string, signal?: AbortSignal): Promise<TreeStats> {
  throwIfAborted(signal);
  let stat;
  try {
    stat = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: 0, newestMtimeMs: 0 };
    throw error;
  }
  if (!stat.isDirectory()) return { bytes: stat.size, newestMtimeMs: stat.mtimeMs };
  const total = { bytes: 0, newestMtimeMs: stat.mtimeMs };
  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return total;
    throw error;
  }
  for (const name of names) {
    const child = await treeStats(join(path, name), signal);
    total.bytes += child.bytes;
    total.newestMtimeMs = Math.max(total.newestMtimeMs, child.newestMtimeMs);
  }
  return total;
}
