import { randomBytes } from 'node:crypto';
import { copyFile, link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A sibling temporary name: same directory, so the final rename is atomic. */
export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Flushes a file's bytes to disk, so a rename never publishes a name whose data was lost in a crash. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries to disk: a rename or a new name in it survives a crash. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot sync a folder; the data itself was synced, which is what matters most.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file under a temporary name, flushes it, and renames it into place: readers never see
 * half a file, also after a crash or a power loss.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporarySibling(path);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}

/** Copies a file into place the same way: the destination is whole or absent, never half written. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  const tmp = temporarySibling(to);
  try {
    await copyFile(from, tmp);
    await syncFile(tmp);
    await rename(tmp, to);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Places a file the cache keeps at `to` the same way, as a hard link where the two paths share a
 * file system: a cache hit then writes nothing (for pandas' 30 MB zip, a copy and its flush were
 * 40 ms of a 0.4 s hit). The cache notices a write through the link by the zip's ctime
 * (builder/cache-stamp.ts), checks its sha256 again, and rebuilds it if it changed. Elsewhere,
 * or where the file system has no hard links, it is copied.
 */
export async function linkOrCopyFileAtomic(from: string, to: string): Promise<void> {
  const tmp = temporarySibling(to);
  try {
    await link(from, tmp);
  } catch {
    // EXDEV (another file system), EPERM or ENOTSUP (none there), EMLINK: a copy does.
    return copyFileAtomic(from, to);
  }
  try {
    // Over a link to the same file this does nothing and succeeds; the temporary name then goes.
    await rename(tmp, to);
  } finally {
    await rm(tmp, { force: true });
  }
}
