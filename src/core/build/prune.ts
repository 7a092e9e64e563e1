import { lstat, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { minimatch } from 'minimatch';
import { throwIfAborted } from '../errors.js';
import type { EventSink } from '../events.js';
import type { Recipe } from '../recipes/schema.js';

export interface PruneRecord {
  rule: string;
  bytesSaved: number;
  reverted: boolean;
}

async function sizeOf(path: string): Promise<number> {
  const stat = await lstat(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

/** Paths under `root` (relative, posix) matching `glob`, outermost first, none inside another. */
async function matching(root: string, glob: string, protect: string[], dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const rel = relative(root, path);
    if (protect.some((p) => minimatch(rel, p, { dot: true }))) continue;
    if (minimatch(rel, glob, { dot: true })) {
      found.push(rel);
      continue;
    }
    if ((await lstat(path)).isDirectory()) found.push(...(await matching(root, glob, protect, path)));
  }
  return found;
}

/** Applies the recipe's `prune.remove` globs to the staged layer, sparing `prune.protect`; reports bytes saved per rule. */
export async function pruneLayer(staging: string, recipe: Recipe, io: { sink: EventSink; signal?: AbortSignal }): Promise<PruneRecord[]> {
  const records: PruneRecord[] = [];
  const protect = recipe.prune?.protect ?? [];
  for (const glob of recipe.prune?.remove ?? []) {
    throwIfAborted(io.signal);
    let bytesSaved = 0;
    for (const rel of await matching(staging, glob, protect)) {
      bytesSaved += await sizeOf(join(staging, rel));
      await rm(join(staging, rel), { recursive: true, force: true });
    }
    const record = { rule: `remove ${glob}`, bytesSaved, reverted: false };
    io.sink({ type: 'prune.rule', ...record });
    records.push(record);
  }
  return records;
}
