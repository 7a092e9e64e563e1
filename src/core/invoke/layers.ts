import { lstat, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { extractLayerZip } from '../layer/extract-zip.js';

/** What applying one layer changed: the paths (relative to /opt) it replaced from earlier layers. */
export interface AppliedLayer {
  zipPath: string;
  replaced: string[];
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

/**
 * Moves `from` onto `to` the way a later layer lands on an earlier one: folders merge, and any
 * other entry (file, symlink, or a folder replaced by a file) replaces what was there.
 */
async function overlay(from: string, to: string, root: string, replaced: string[]): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const existing = await lstatOrUndefined(target);
    if (entry.isDirectory() && existing?.isDirectory()) {
      await overlay(source, target, root, replaced);
      continue;
    }
    if (existing) {
      replaced.push(relative(root, target));
      await rm(target, { recursive: true, force: true });
    }
    await rename(source, target);
  }
}

/**
 * Extracts the layer zips into `optDir` in order, as Lambda does: a later layer's file replaces
 * an earlier one's at the same path. Each zip is extracted on its own first, so a symlink from an
 * earlier layer is replaced, never written through.
 */
export async function stageLayers(
  zipPaths: string[],
  optDir: string,
  signal?: AbortSignal,
): Promise<AppliedLayer[]> {
  await mkdir(optDir, { recursive: true });
  const scratch = await mkdtemp(join(optDir, '..', '.layers-'));
  try {
    const applied: AppliedLayer[] = [];
    for (const [index, zipPath] of zipPaths.entries()) {
      throwIfAborted(signal);
      const dir = join(scratch, String(index));
      await extractLayerZip(zipPath, dir, signal);
      const replaced: string[] = [];
      await overlay(dir, optDir, optDir, replaced);
      applied.push({ zipPath, replaced: replaced.sort() });
    }
    return applied;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
