import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.js';
import type { EventSink } from '../events.js';
import { copyFileAtomic, linkOrCopyFileAtomic, syncDir, syncFile } from '../fs/atomic.js';
import { manifestPathFor, readManifest, type LayerManifest } from '../layer/manifest.js';
import { entryStatus, recordVerified, stampMatches } from './cache-stamp.js';
import { settledInOrder } from '../run-together.js';
import { layerforgeVersion } from '../version.js';
import { LAYER_ZIP_LEVEL } from '../layer/zip-level.js';

/** Everything that decides a layer's bytes; the cache key is its digest. */
export interface BuildInputs {
  recipeDir: string;
  /** The build image as `imageIdentity` names it: the same on every machine (no local image id). */
  buildImage: string;
  /** The runtime image, named the same way. */
  runtimeImage: string;
  runtime: string;
  arch: string;
  base: string;
  /** Options that change the artifact (prune profile, bytecode). */
  options: Record<string, string | boolean>;
  /**
   * Names of the variables given with --build-env or buildEnv (a private index can serve other
   * bytes than the public one), never their values: the digest is printed and written in every
   * manifest, and a short secret could be found from it by trying values.
   */
  buildEnvNames?: string[];
}

/** Files up to this size are read whole, side by side; larger ones (a source tarball) streamed. */
const WHOLE_FILE_BYTES = 1024 * 1024;
/** Reads started ahead of the entry being hashed: a folder of thousands of files is not held whole. */
const READS_AHEAD = 16;

/**
 * Hashes the tree's names, link targets, exec bits and contents in name order. Each folder's
 * entries are asked about at once, and its small files read a few ahead of the one being hashed:
 * a cache hit waits on them all, and one after another they were a round trip to the thread
 * pool each.
 */
async function hashTree(hash: ReturnType<typeof createHash>, root: string, dir = root): Promise<void> {
  const paths = (await readdir(dir)).sort().map((name) => join(dir, name));
  const stats = await settledInOrder(paths.map((path) => lstat(path)));
  const reads: (Promise<Buffer | string> | undefined)[] = [];
  let started = 0;
  const readAhead = (end: number) => {
    for (; started < Math.min(end, paths.length); started++) {
      const [path, stat] = [paths[started] as string, stats[started]];
      const read = stat?.isSymbolicLink()
        ? readlink(path)
        : stat?.isFile() && stat.size <= WHOLE_FILE_BYTES
          ? readFile(path)
          : undefined;
      // Awaited in turn below; one that fails first must not go unhandled meanwhile.
      read?.catch(() => undefined);
      reads[started] = read;
    }
  };
  // Let go of once hashed, so that no more than READS_AHEAD files stay reachable.
  const take = (i: number) => {
    const read = reads[i];
    reads[i] = undefined;
    return read;
  };
  for (const [i, path] of paths.entries()) {
    readAhead(i + READS_AHEAD);
    const stat = stats[i];
    if (stat === undefined) continue;
    const rel = relative(root, path);
    if (stat.isDirectory()) {
      hash.update(`dir ${rel}\n`);
      await hashTree(hash, root, path);
    } else if (stat.isSymbolicLink()) {
      hash.update(`link ${rel} ${String(await take(i))}\n`);
    } else if (!stat.isFile()) {
      // Reading a FIFO waits for a writer that never comes, and a device may never end.
      throw new UserError(`the recipe folder holds ${path}, which is ${specialKind(stat)}, not a file`, {
        hint: 'a recipe folder holds files, folders and symlinks only: move it out of the folder',
      });
    } else {
      // The exec bit matters (a build script), other mode bits do not.
      hash.update(`file ${rel} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\n`);
      const whole = await take(i);
      if (whole !== undefined) hash.update(whole);
      else for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    }
  }
}

function specialKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  return 'a device';
}

/** A content-addressed digest of the build inputs: recipe files, images, target, layerforge version. */
export async function inputsDigest(inputs: BuildInputs): Promise<string> {
  const hash = createHash('sha256');
  // zlib and the level decide the compressed bytes: another gives another (equally valid) zip.
  hash.update(`layerforge ${layerforgeVersion}\nzlib ${process.versions.zlib ?? '?'}\n`);
  hash.update(`zip-level ${LAYER_ZIP_LEVEL}\n`);
  hash.update(`runtime ${inputs.runtime}\narch ${inputs.arch}\nbase ${inputs.base}\n`);
  hash.update(`build-image ${inputs.buildImage}\nruntime-image ${inputs.runtimeImage}\n`);
  for (const key of Object.keys(inputs.options).sort())
    hash.update(`option ${key}=${String(inputs.options[key])}\n`);
  for (const name of [...new Set(inputs.buildEnvNames ?? [])].sort()) hash.update(`build-env ${name}\n`);
  await hashTree(hash, inputs.recipeDir);
  return hash.digest('hex');
}

/** One cache entry: a finished zip and manifest, never a partial one. */
export interface CacheEntry {
  dir: string;
  zip: string;
  manifest: string;
}

/** The entry for `key`; files keep the artifact's own name so the manifest's `zip.file` is right. */
export function cacheEntry(cacheRoot: string, key: string, artifact: string): CacheEntry {
  const dir = join(cacheRoot, 'builds', key);
  const zip = join(dir, artifact);
  return { dir, zip, manifest: manifestPathFor(zip) };
}

export function isCached(entry: CacheEntry): boolean {
  return existsSync(entry.zip) && existsSync(entry.manifest);
}

/** Why a cache entry cannot be reused (its zip is not the one its manifest describes), or undefined. */
export async function cacheEntryProblem(entry: CacheEntry): Promise<string | undefined> {
  const checked = await checkEntry(entry);
  return 'problem' in checked ? checked.problem : undefined;
}

/** The entry's manifest, read through its schema, once its zip is found to be the one it describes. */
async function checkEntry(entry: CacheEntry): Promise<{ manifest: LayerManifest } | { problem: string }> {
  let manifest: LayerManifest;
  try {
    manifest = await readManifest(entry.manifest);
  } catch (error) {
    return {
      problem: `its manifest is unreadable (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const expected = manifest.zip;
  const size = (await stat(entry.zip)).size;
  if (size !== expected.zippedBytes)
    return { problem: `its zip has ${size} bytes, its manifest says ${expected.zippedBytes}` };
  const hash = createHash('sha256');
  await pipeline(createReadStream(entry.zip), hash);
  const actual = hash.digest('hex');
  if (actual !== expected.sha256)
    return { problem: `its zip's sha256 is ${actual}, its manifest says ${expected.sha256}` };
  return { manifest };
}

/**
 * The entry's manifest when the entry can be reused: present, and its zip matches its manifest's
 * size and sha256. Undefined when it cannot.
 * The sha256 and the manifest's schema are checked on the first hit, and again only once the
 * files' status has changed since (cache-stamp.ts). A damaged entry (a disk error, a crash, a hand
 * edit) is removed with a warning so it is rebuilt.
 * A reused entry's folder is touched: `cache prune` goes by when an entry was last used, and
 * leaves alone an entry touched after it listed it.
 */
export async function reusableManifest(
  entry: CacheEntry,
  sink: EventSink,
  freshness: { maxAgeMs?: number; now?: Date } = {},
): Promise<LayerManifest | undefined> {
  if (!isCached(entry)) return undefined;
  if (await isStale(entry, freshness.maxAgeMs, freshness.now ?? new Date())) {
    sink({
      type: 'info',
      message: `the cached build in ${entry.dir} was resolved from unpinned dependencies over ${formatAge(freshness.maxAgeMs ?? 0)} ago; resolving them again`,
    });
    // Removed first: a finished build of the same key is renamed into this place.
    await rm(entry.dir, { recursive: true, force: true });
    return undefined;
  }
  // Taken before the check, so a write during it leaves a stamp that no longer matches.
  const status = await entryStatus(entry).catch(() => undefined);
  const verified = status !== undefined && (await stampMatches(entry, status));
  // A stamped manifest holds the bytes that passed the schema when the stamp was written, by this
  // same layerforge (its version is part of the key), so it is read without the schema: loading
  // zod and building the schema took about a quarter of a hit's time.
  const checked = (verified && (await stampedManifest(entry))) || (await checkEntry(entry));
  if ('manifest' in checked) {
    if (!verified && status !== undefined) await recordVerified(entry, status);
    const now = new Date();
    // A read-only cache still serves hits; it only cannot record them.
    await utimes(entry.dir, now, now).catch(() => {});
    return checked.manifest;
  }
  sink({
    type: 'warning',
    code: 'corrupt-cache-entry',
    message: `the cached build in ${entry.dir} is damaged: ${checked.problem}; rebuilding it`,
  });
  await rm(entry.dir, { recursive: true, force: true });
  return undefined;
}

/** A stamped entry's manifest as JSON; undefined if it no longer parses (then checked in full). */
async function stampedManifest(entry: CacheEntry): Promise<{ manifest: LayerManifest } | undefined> {
  try {
    return { manifest: JSON.parse(await readFile(entry.manifest, 'utf8')) as LayerManifest };
  } catch {
    return undefined;
  }
}

/**
 * Places a reusable entry's zip and manifest at `zipPath` and beside it. The zip is hard-linked
 * where it can be, which moves its ctime (its link count changed): when the entry was verified,
 * its stamp is taken again after our own link, so the next hit does not hash the zip for it.
 */
export async function placeFromCache(entry: CacheEntry, zipPath: string): Promise<void> {
  const before = await entryStatus(entry).catch(() => undefined);
  const stamped = before !== undefined && (await stampMatches(entry, before));
  // Placed side by side; a failure of either is reported once both have settled.
  await settledInOrder([
    linkOrCopyFileAtomic(entry.zip, zipPath),
    copyFileAtomic(entry.manifest, manifestPathFor(zipPath)),
  ]);
  if (stamped) {
    const after = await entryStatus(entry).catch(() => undefined);
    if (after !== undefined && sameButCtime(before, after)) await recordVerified(entry, after);
  }
}

/** Two statuses that differ at most in the zip's ctime, the one field a link changes. */
function sameButCtime(a: string, b: string): boolean {
  const strip = (status: string) => status.replace(/^(zip \S+):\d+$/m, '$1');
  return strip(a) === strip(b);
}

/**
 * Whether an entry is older than `maxAgeMs` (undefined: never stale). Its age is its zip's: hits
 * touch the entry's folder, not the zip, so reuse does not keep unpinned dependencies young.
 */
export async function isStale(entry: CacheEntry, maxAgeMs: number | undefined, now: Date): Promise<boolean> {
  if (maxAgeMs === undefined) return false;
  const built = (await stat(entry.zip)).mtimeMs;
  return now.getTime() - built >= maxAgeMs;
}

const formatAge = (ms: number) =>
  ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 1000)} s`;

/**
 * Moves a finished staging folder into the cache in one rename. When a concurrent build of the
 * same key got there first, its entry is kept (the bytes are the same) and ours is dropped.
 * The files and both folders are flushed to disk first: after a crash the entry is whole or absent.
 */
export async function commitToCache(staging: string, entry: CacheEntry): Promise<void> {
  await mkdir(dirname(entry.dir), { recursive: true });
  for (const name of await readdir(staging)) await syncFile(join(staging, name));
  await syncDir(staging);
  try {
    await rename(staging, entry.dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && isCached(entry)) {
      await rm(staging, { recursive: true, force: true });
      return;
    }
    throw error;
  }
  await syncDir(dirname(entry.dir));
}
