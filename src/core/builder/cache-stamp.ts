import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheEntry } from './cache.js';

/**
 * Where an entry records the zip and manifest it last checked by sha256. Hashing the whole zip
 * on every hit (pandas' is 30 MB) was a large part of a hit's time; as git's index does, a file
 * whose inode, size, mtime and ctime are the ones recorded is taken to hold the bytes it held
 * then. Any write to the file, or a chmod, moves its ctime, which no tool can set back, so a hand
 * edit, a truncation or a write through a hard link is still found. Only a disk corrupting bytes
 * in place would go unseen, as it would for any cached file.
 */
const STAMP_NAME = 'verified-stat';

/** The fields of a path's status that change whenever its bytes may have. */
async function statusOf(path: string): Promise<string> {
  const s = await stat(path, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** The status of the entry's zip and manifest, as `recordVerified` stores it. */
export async function entryStatus(entry: CacheEntry): Promise<string> {
  const [zip, manifest] = await Promise.all([statusOf(entry.zip), statusOf(entry.manifest)]);
  return `zip ${zip}\nmanifest ${manifest}\n`;
}

/** Whether the entry's files had `status` when `recordVerified` last wrote its stamp. */
export async function stampMatches(entry: CacheEntry, status: string): Promise<boolean> {
  // No stamp (an entry never hit, or written by an older layerforge): check fully.
  const recorded = await readFile(join(entry.dir, STAMP_NAME), 'utf8').catch(() => undefined);
  return recorded === status;
}

/**
 * Records the entry's files as checked, with the status taken before the check began: a write
 * during the check leaves a stamp that no longer matches. Best effort: a read-only cache still
 * serves hits, it only hashes the zip each time; a torn stamp never matches and costs one hash.
 */
export async function recordVerified(entry: CacheEntry, statusBeforeCheck: string): Promise<void> {
  try {
    await writeFile(join(entry.dir, STAMP_NAME), statusBeforeCheck);
  } catch {
    // See above.
  }
}
