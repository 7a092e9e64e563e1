import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../engine/leftovers.js';
import { throwIfAborted } from '../errors.js';
import { readManifest } from '../layer/manifest.js';
import { treeStats } from './tree-stats.js';
import type { CacheItem, CacheListing } from './types.js';

/**
 * A temporary name as layerforge's writers make them, with the writer's process id:
 * `.<digest>.<pid>.tmp` (a build entry before its rename), `.<name>.<pid>.<hex>.tmp` (an atomic
 * file write), `.<name>.<pid>.removing.tmp` (an item `cache` is removing).
 */
const TEMPORARY_NAME = /^\..*\.(\d+)(?:\.[0-9a-f]{8}|\.removing)?\.tmp$/;
/** debootstrap's work folder beside the tarball it makes (`<tar>.work-XXXXXX`, from mkdtemp). */
const WORK_FOLDER = /\.work-[A-Za-z0-9]{6}$/;
/**
 * A writer may run on another machine sharing the cache, where its process id says nothing: a
 * temporary name touched within this long is taken to be in use whatever its id.
 */
export const WRITING_GRACE_MS = 60 * 60 * 1000;
/**
 * A build copies its entry out right after it commits or reuses it (and touches it on reuse):
 * an entry written or used this lately is in use, so a prune or clean at that moment cannot
 * pull it away between the build's check and its copy.
 */
export const RECENT_USE_MS = 2 * 60 * 1000;

const KNOWN_FOLDERS = new Set(['builds', 'logs', 'rootfs', 'runtime-libraries', 'sources']);

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** An item whose path went away while the cache was listed: renamed into place, or removed. */
class Vanished extends Error {}

async function mtimeOf(path: string): Promise<number> {
  try {
    return (await lstat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Vanished(path);
    throw error;
  }
}

/** Lists the item unless it vanished meanwhile: a build writing the cache renames as we read. */
async function unlessVanished(list: CacheItem[], make: () => Promise<CacheItem>): Promise<void> {
  try {
    list.push(await make());
  } catch (error) {
    if (!(error instanceof Vanished)) throw error;
  }
}

function isTemporary(name: string): boolean {
  return TEMPORARY_NAME.test(name) || WORK_FOLDER.test(name);
}

/** Whether a temporary item's writer may still be at work: its process lives, or it was touched lately. */
function stillWriting(name: string, newestMtimeMs: number, now: number): boolean {
  const pid = Number(TEMPORARY_NAME.exec(name)?.[1]);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) return true;
  return now - newestMtimeMs < WRITING_GRACE_MS;
}

type ItemFields = Omit<CacheItem, 'bytes' | 'usedAt' | 'listedMtimeMs'>;

/** The item with its size and dates, plus the newest mtime below it (how recently anything was written). */
async function measured(
  fields: ItemFields,
  signal: AbortSignal | undefined,
): Promise<{ item: CacheItem; newestMtimeMs: number }> {
  let bytes = 0;
  let newest = 0;
  for (const path of fields.paths) {
    const stats = await treeStats(path, signal);
    bytes += stats.bytes;
    newest = Math.max(newest, stats.newestMtimeMs);
  }
  const first = fields.paths[0] ?? '';
  return {
    item: { ...fields, bytes, usedAt: new Date(newest).toISOString(), listedMtimeMs: await mtimeOf(first) },
    newestMtimeMs: newest,
  };
}

async function item(fields: ItemFields, signal: AbortSignal | undefined): Promise<CacheItem> {
  return (await measured(fields, signal)).item;
}

async function partial(path: string, name: string, now: number, signal?: AbortSignal): Promise<CacheItem> {
  const { item: found, newestMtimeMs } = await measured(
    { kind: 'partial', what: name, paths: [path], group: path },
    signal,
  );
  const writing = stillWriting(name, newestMtimeMs, now);
  return {
    ...found,
    what: writing ? `being written: ${name}` : `left by a run that stopped: ${name}`,
    ...(writing ? { inUse: 'being written' as const } : {}),
  };
}

/**
 * Each entry of `root/<folder>`: a temporary name is a write under way or left behind, any
 * other is described by `describe`; an entry that vanishes while it is read is skipped.
 */
async function eachEntry(
  root: string,
  folder: string,
  now: number,
  signal: AbortSignal | undefined,
  describe: (path: string, name: string) => Promise<CacheItem>,
): Promise<CacheItem[]> {
  const found: CacheItem[] = [];
  const dir = join(root, folder);
  for (const name of await names(dir)) {
    throwIfAborted(signal);
    const path = join(dir, name);
    await unlessVanished(found, () =>
      isTemporary(name) ? partial(path, name, now, signal) : describe(path, name),
    );
  }
  return found;
}

/** `builds/<digest>/`: what its manifest says, and its log from `logs/` (same digest) with it. */
async function builds(root: string, logs: Map<string, string>, now: number, signal?: AbortSignal) {
  return eachEntry(root, 'builds', now, signal, async (path, name) => {
    const manifestFile = (await names(path)).find((file) => file.endsWith('.manifest.json'));
    const manifest = manifestFile
      ? await readManifest(join(path, manifestFile)).catch(() => undefined)
      : undefined;
    const log = logs.get(name.slice(0, 12));
    if (log) logs.delete(name.slice(0, 12));
    const paths = log ? [path, log] : [path];
    if (!manifest) {
      const what = `build ${name.slice(0, 12)} (no readable manifest)`;
      return item({ kind: 'build', what, paths, group: path }, signal);
    }
    const runtime = manifest.runtimes[0] ?? '-';
    const recipe = manifest.recipe ? `${manifest.recipe.name} ${manifest.recipe.version}` : manifest.zip.file;
    const recipeName = manifest.recipe?.name ?? manifest.zip.file;
    return item(
      {
        kind: 'build',
        what: `${recipe} ${manifest.runtimes.join(',')} ${manifest.arch} on ${manifest.base}`,
        paths,
        group: `build ${recipeName} ${runtime} ${manifest.arch} ${manifest.base}`,
        base: manifest.base,
      },
      signal,
    );
  });
}

/** `logs/<artifact>-<digest12>.log`, by the digest that ties it to its build entry. */
async function logFiles(root: string): Promise<Map<string, string>> {
  const logs = new Map<string, string>();
  const dir = join(root, 'logs');
  for (const name of await names(dir)) {
    const digest = /-([0-9a-f]{12})\.log$/.exec(name)?.[1];
    logs.set(digest ?? name, join(dir, name));
  }
  return logs;
}

/** A log whose build left no entry: kept while it may still be written, like a temporary name. */
async function orphanLog(path: string, name: string, now: number, signal?: AbortSignal): Promise<CacheItem> {
  const artifact = name.replace(/-[0-9a-f]{12}\.log$/, '');
  const { item: found, newestMtimeMs } = await measured(
    { kind: 'log', what: `log of ${artifact} (no build entry)`, paths: [path], group: `log ${artifact}` },
    signal,
  );
  const writing = now - newestMtimeMs < WRITING_GRACE_MS;
  return { ...found, ...(writing ? { inUse: 'being written' as const } : {}) };
}

async function rootfsTarballs(root: string, now: number, signal?: AbortSignal): Promise<CacheItem[]> {
  return eachEntry(root, 'rootfs', now, signal, (path, name) => {
    const parsed = /^(.+)-([0-9a-f]{16})-(x86_64|arm64)\.tar$/.exec(name);
    const fields = parsed
      ? {
          what: `${parsed[1]} root file system ${parsed[3]} (${parsed[2]})`,
          group: `rootfs ${parsed[1]} ${parsed[3]}`,
          base: parsed[1],
        }
      : { what: `root file system ${name}`, group: path };
    return item({ kind: 'rootfs', paths: [path], ...fields }, signal);
  });
}

async function runtimeLibraries(root: string, now: number, signal?: AbortSignal): Promise<CacheItem[]> {
  return eachEntry(root, 'runtime-libraries', now, signal, (path, name) => {
    const what = `libraries of runtime image ${name.replace(/\.(json|txt)$/, '').slice(0, 12)}`;
    return item({ kind: 'runtime-libraries', what, paths: [path], group: path }, signal);
  });
}

/** `sources/<sha256>/<file>`: one download each; a temporary file inside means one is under way. */
async function sources(root: string, now: number, signal?: AbortSignal): Promise<CacheItem[]> {
  const found: CacheItem[] = [];
  const dir = join(root, 'sources');
  for (const sha of await names(dir)) {
    throwIfAborted(signal);
    const path = join(dir, sha);
    const files = await names(path).catch(() => []);
    const temporary = files.find(isTemporary);
    const file = files.find((f) => !isTemporary(f)) ?? '(nothing yet)';
    const what = `download ${file} (sha256 ${sha.slice(0, 12)})`;
    await unlessVanished(found, async () => {
      const { item: download, newestMtimeMs } = await measured(
        { kind: 'source', what, paths: [path], group: path },
        signal,
      );
      const writing = temporary !== undefined && stillWriting(temporary, newestMtimeMs, now);
      return { ...download, ...(writing ? { inUse: 'being written' as const } : {}) };
    });
  }
  return found;
}

/**
 * Lists the cache folder: every item with its size and when it was last used. Reads only; a
 * folder that does not exist is an empty cache.
 */
export async function scanCache(
  root: string,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<CacheListing> {
  const now = (options.now ?? new Date()).getTime();
  const { signal } = options;
  const logs = await logFiles(root);
  const items: CacheItem[] = [...(await builds(root, logs, now, signal))];
  for (const [, path] of logs) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    await unlessVanished(items, () =>
      isTemporary(name) ? partial(path, name, now, signal) : orphanLog(path, name, now, signal),
    );
  }
  items.push(...(await rootfsTarballs(root, now, signal)));
  items.push(...(await runtimeLibraries(root, now, signal)));
  items.push(...(await sources(root, now, signal)));
  for (const name of await names(root)) {
    if (KNOWN_FOLDERS.has(name)) continue;
    const path = join(root, name);
    await unlessVanished(items, () =>
      isTemporary(name)
        ? partial(path, name, now, signal)
        : item({ kind: 'other', what: `not layerforge's: ${name}`, paths: [path], group: path }, signal),
    );
  }
  for (const found of items) {
    if (found.inUse === undefined && now - Date.parse(found.usedAt) < RECENT_USE_MS)
      found.inUse = 'used just now';
  }
  const order = ['build', 'log', 'rootfs', 'runtime-libraries', 'source', 'partial', 'other'];
  items.sort(
    (a, b) =>
      order.indexOf(a.kind) - order.indexOf(b.kind) ||
      a.group.localeCompare(b.group) ||
      b.usedAt.localeCompare(a.usedAt),
  );
  return { root, items, bytes: items.reduce((sum, i) => sum + i.bytes, 0) };
}
