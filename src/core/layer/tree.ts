import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { JobFailedError, throwIfAborted } from '../errors.js';
import type { LayerEntry } from './entry.js';
import { resolveLayerLink } from './link.js';
import type { LayerEntryType } from './modes.js';

/** One entry of a staged layer tree, as lstat sees it (symlinks are never followed). */
export interface LayerTreeEntry extends LayerEntry {
  absolutePath: string;
}

interface Child {
  entry: LayerTreeEntry;
  /** What the zip entry name sorts as: directories carry their trailing slash. */
  sortKey: Buffer;
}

/** lstat calls in flight per directory: enough to hide latency, few enough for any fd limit. */
const STAT_BATCH = 64;

/**
 * Walks a staged layer (`/opt` as the build left it) depth first without following symlinks,
 * yielding every entry below the root in the byte order of its zip entry name (directories as
 * `name/`), so the listing is the same on every machine. Memory grows with the depth and the
 * widest directory, not with the tree.
 *
 * The build walks strictly: it throws JobFailedError for a symlink that is absolute or climbs
 * out of the layer, and for anything that is not a file, directory or symlink. With `strict:
 * false` (the audit of a folder) such links are kept for the layout rules to report, and
 * devices, sockets and pipes are skipped: a zip cannot carry them. Dangling links that stay
 * inside are allowed either way: the layout rules report them.
 */
export async function* walkLayerTree(
  root: string,
  options: { signal?: AbortSignal; strict?: boolean } = {},
): AsyncGenerator<LayerTreeEntry, void, undefined> {
  const strict = options.strict ?? true;
  const rootStats = await lstat(root).catch((cause: unknown) => {
    throw new JobFailedError(`no staged layer at ${root}`, {
      cause,
      hint: 'the build must leave the layer tree there',
    });
  });
  if (!rootStats.isDirectory()) {
    throw new JobFailedError(`the staged layer ${root} is not a directory`);
  }
  const stack: { children: Child[]; next: number }[] = [
    { children: await listChildren(root, '', strict), next: 0 },
  ];
  while (stack.length > 0) {
    throwIfAborted(options.signal);
    const top = stack[stack.length - 1];
    const child = top?.children[top.next];
    if (top === undefined || child === undefined) {
      stack.pop();
      continue;
    }
    top.next += 1;
    yield child.entry;
    if (child.entry.type === 'dir') {
      stack.push({
        children: await listChildren(child.entry.absolutePath, child.entry.path, strict),
        next: 0,
      });
    }
  }
}

async function listChildren(dir: string, relativeDir: string, strict: boolean): Promise<Child[]> {
  const names = await readdir(dir);
  const children: Child[] = [];
  for (let i = 0; i < names.length; i += STAT_BATCH) {
    const batch = names.slice(i, i + STAT_BATCH);
    for (const child of await Promise.all(batch.map((name) => describe(dir, relativeDir, name, strict)))) {
      if (child) children.push(child);
    }
  }
  return children.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
}

async function describe(
  dir: string,
  relativeDir: string,
  name: string,
  strict: boolean,
): Promise<Child | undefined> {
  const absolutePath = join(dir, name);
  const path = relativeDir === '' ? name : `${relativeDir}/${name}`;
  const stats = await lstat(absolutePath);
  const type = entryType(stats, path, strict);
  if (type === undefined) return undefined;
  const entry: LayerTreeEntry = { path, absolutePath, type, mode: stats.mode & 0o7777, size: 0 };
  if (type === 'file') {
    entry.size = stats.size;
  } else if (type === 'symlink') {
    const target = await readlink(absolutePath);
    if (strict) assertLinkInside(path, target);
    entry.linkTarget = target;
    entry.size = Buffer.byteLength(target);
  }
  return { entry, sortKey: Buffer.from(type === 'dir' ? `${name}/` : name) };
}

function entryType(stats: Stats, path: string, strict: boolean): LayerEntryType | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (!strict) return undefined;
  throw new JobFailedError(
    `${path} is a device, socket or pipe: a layer can only hold files, directories and symlinks`,
    {
      hint: "remove it from the layer in the recipe's build script or pruning rules",
    },
  );
}

/** Refuses a symlink that would point outside /opt once Lambda extracts the layer. */
export function assertLinkInside(path: string, target: string): void {
  const resolved = resolveLayerLink(path, target);
  if (resolved.kind === 'inside') return;
  const why = resolved.kind === 'absolute' ? 'is absolute' : 'climbs out of the layer';
  throw new JobFailedError(`symlink ${path} -> ${target} ${why}: it would point outside /opt on Lambda`, {
    hint: 'make the link relative to a file inside the layer (e.g. libfoo.so -> libfoo.so.1), or copy the file it points to into the layer',
  });
}
