import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { throwIfAborted } from '../errors.js';

export type LayerEntryKind = 'file' | 'dir' | 'symlink';

/** One path in a layer, as it will land under /opt. */
export interface LayerEntry {
  /** Relative, `/`-separated, no leading slash: `python/numpy/core/_multiarray_umath.so`. */
  path: string;
  kind: LayerEntryKind;
  /** Permission bits (0o7777) as Lambda will see them. */
  mode: number;
  size: number;
  linkTarget?: string;
}

/** A layer's file list plus where the bytes of its regular files can be read. */
export interface LayerTree {
  entries: Map<string, LayerEntry>;
  /** The on-disk path of a regular file's bytes, or undefined when they were not kept (zip). */
  contentPath(path: string): string | undefined;
  /** Removes temporary files (a zip's extraction); a folder layer is left alone. */
  cleanup(): Promise<void>;
  /** Files that may be ELF but whose bytes could not be read: encrypted, unknown method, over the limit. */
  unread?: { path: string; reason: string }[];
}

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
            kind: 'symlink',
            mode,
            size: stats.size,
            linkTarget: await readlink(full),
          });
        } else if (stats.isDirectory()) {
          entries.set(path, { path, kind: 'dir', mode, size: 0 });
        } else if (stats.isFile()) {
          entries.set(path, { path, kind: 'file', mode, size: stats.size });
        }
      }),
    );
  }
  return {
    entries,
    contentPath: (path) => (entries.get(path)?.kind === 'file' ? join(root, path) : undefined),
    cleanup: async () => {},
  };
}

export type Resolved =
  | { kind: 'file' | 'dir'; path: string }
  /** Inside the layer, but nothing is there: a dangling link (or a file used as a folder). */
  | { kind: 'missing'; path: string }
  /** Leaves /opt: an absolute target elsewhere, or `..` above the layer's root. */
  | { kind: 'outside'; target: string }
  | { kind: 'loop' };

const MAX_LINK_HOPS = 40; // what Linux allows before ELOOP

/**
 * Resolves a path inside the layer as the kernel would once the layer is at /opt: following
 * symlinks in every component, absolute `/opt/...` targets included.
 */
export function resolveLayerPath(entries: Map<string, LayerEntry>, path: string): Resolved {
  const queue = path.split('/');
  const current: string[] = [];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift() ?? '';
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current.length === 0) return { kind: 'outside', target: posix.join('/', ...queue) };
      current.pop();
      continue;
    }
    const candidate = [...current, part].join('/');
    const entry = entries.get(candidate);
    if (!entry) return { kind: 'missing', path: posix.join(candidate, ...queue) };
    if (entry.kind === 'symlink') {
      if (++hops > MAX_LINK_HOPS) return { kind: 'loop' };
      const target = entry.linkTarget ?? '';
      if (target.startsWith('/')) {
        if (target !== '/opt' && !target.startsWith('/opt/'))
          return { kind: 'outside', target: posix.join(target, ...queue) };
        current.length = 0;
        queue.unshift(...target.slice('/opt'.length).split('/'));
      } else {
        queue.unshift(...target.split('/'));
      }
      continue;
    }
    current.push(part);
    if (entry.kind === 'file' && queue.some((p) => p !== '' && p !== '.')) {
      return { kind: 'missing', path: posix.join(candidate, ...queue) };
    }
  }
  const final = current.join('/');
  if (final === '') return { kind: 'dir', path: '' };
  return { kind: entries.get(final)?.kind === 'file' ? 'file' : 'dir', path: final };
}
