import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { manifestPathFor } from '../layer/manifest.js';
import { layerforgeVersion } from '../version.js';

/** Everything that decides a layer's bytes; the cache key is its digest. */
export interface BuildInputs {
  recipeDir: string;
  buildImageId: string;
  runtimeImageId: string;
  runtime: string;
  arch: string;
  base: string;
  /** Options that change the artifact (prune profile, bytecode). */
  options: Record<string, string | boolean>;
}

async function hashTree(hash: ReturnType<typeof createHash>, root: string, dir = root): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const stat = await lstat(path);
    const rel = relative(root, path);
    if (stat.isDirectory()) {
      hash.update(`dir ${rel}\n`);
      await hashTree(hash, root, path);
    } else if (stat.isSymbolicLink()) {
      hash.update(`link ${rel} ${await readlink(path)}\n`);
    } else {
      // The exec bit matters (a build script), other mode bits do not.
      hash.update(`file ${rel} ${stat.mode & 0o111 ? 'x' : '-'} ${stat.size}\n`).update(await readFile(path));
    }
  }
}

/** A content-addressed digest of the build inputs: recipe files, images, target, layerforge version. */
export async function inputsDigest(inputs: BuildInputs): Promise<string> {
  const hash = createHash('sha256');
  // zlib decides the compressed bytes: another zlib gives another (equally valid) zip.
  hash.update(`layerforge ${layerforgeVersion}\nzlib ${process.versions.zlib ?? '?'}\n`);
  hash.update(`runtime ${inputs.runtime}\narch ${inputs.arch}\nbase ${inputs.base}\n`);
  hash.update(`build-image ${inputs.buildImageId}\nruntime-image ${inputs.runtimeImageId}\n`);
  for (const key of Object.keys(inputs.options).sort())
    hash.update(`option ${key}=${String(inputs.options[key])}\n`);
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

/**
 * Moves a finished staging folder into the cache in one rename. When a concurrent build of the
 * same key got there first, its entry is kept (the bytes are the same) and ours is dropped.
 */
export async function commitToCache(staging: string, entry: CacheEntry): Promise<void> {
  await mkdir(join(entry.dir, '..'), { recursive: true });
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
}
