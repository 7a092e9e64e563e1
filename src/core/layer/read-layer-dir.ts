import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { throwIfAborted } from '../errors.js';
import type { LayerEntry, LayerTree } from './entry.js';

/** Stat calls in flight at once: enough to keep libuv's threads busy, bounded for huge layers. */
const STAT_BATCH = 1024;

/** Reads a layer folder: every entry with lstat, so modes and symlinks are the folder's own. */
export async function readLayerDir(root: string, signal?: AbortSignal): Promise<LayerTree> {
  const entries = new Map<string, LayerEntry>();
  const dirents = await readdir(root, { recursive: true, withFileTypes: true });
  const prefix = root.endsWith(sep) ? root : root + sep;
  for (let start = 0; start < dirents.length; start += STAT_BATCH) {
    throwIfAborted(signal);
    await Promise.all(
      dirents.slice(start, start + STAT_BATCH).map(async (dirent) => {
        const full = join(dirent.parentPath, dirent.name);
        const path = full.slice(prefix.length).split(sep).join('/');
        const stats = await lstat(full);
        const mode = stats.mode & 0o7777;
        if (stats.isSymbolicLink()) {
          entries.set(path, {
            path,
            type: 'symlink',
            mode,
            size: stats.size,
            linkTarget: await readlink(full),
          });
        } else if (stats.isDirectory()) {
          entries.set(path, { path, type: 'dir', mode, size: 0 });
        } else if (stats.isFile()) {
          entries.set(path, { path, type: 'file', mode, size: stats.size });
        }
      }),
    );
  }
  return {
    entries,
    contentPath: (path) => (entries.get(path)?.type === 'file' ? join(root, path) : undefined),
    cleanup: async () => {},
  };
}
