import type { LayerEntry } from './entry.js';

type SizedEntry = LayerEntry & { compressedSize?: number };

/** How one folder (or file) changed in size between two layers. */
export interface SizeChange {
  path: string;
  /** Unzipped bytes before and after; 0 when absent on that side. */
  before: number;
  after: number;
  delta: number;
  /** Zipped bytes' change, when both sides are zips. */
  zippedDelta: number;
}

/**
 * The folder a file's size is counted under: a package's own folder where the layout has one
 * (`python/numpy`, `python/numpy-*.dist-info`, `nodejs/node_modules/@img/sharp-linux-x64`),
 * else the file's top folder (`lib`, `bin`).
 */
export function sizeFolder(path: string): string {
  // A wheel's dist-info folder names its version: counted as one row across an upgrade.
  return packageFolder(path).replace(/^(.*\/[^/]+?)-[^/-]+\.dist-info$/, '$1-*.dist-info');
}

function packageFolder(path: string): string {
  const parts = path.split('/');
  const site = /^python\/lib\/python[^/]+\/site-packages\//.exec(path);
  if (site) return parts.slice(0, 5).join('/');
  if (parts[0] === 'python' && parts.length > 2) return parts.slice(0, 2).join('/');
  const modules = parts.lastIndexOf('node_modules');
  if (modules >= 0 && parts.length > modules + 2) {
    const scoped = parts[modules + 1]?.startsWith('@');
    return parts.slice(0, modules + (scoped ? 3 : 2)).join('/');
  }
  if (modules >= 0) return parts.slice(0, modules + 1).join('/');
  return parts.length > 1 ? (parts[0] ?? path) : '.';
}

function totals(
  entries: Iterable<SizedEntry>,
  key: (path: string) => string,
): Map<string, { bytes: number; zipped: number }> {
  const sums = new Map<string, { bytes: number; zipped: number }>();
  for (const e of entries) {
    if (e.type === 'dir') continue;
    const k = key(e.path);
    const sum = sums.get(k) ?? { bytes: 0, zipped: 0 };
    sum.bytes += e.size;
    sum.zipped += e.compressedSize ?? 0;
    sums.set(k, sum);
  }
  return sums;
}

/** The `limit` largest changes (by unzipped bytes) between two listings, grouped by `key`. */
export function sizeChanges(
  before: Iterable<SizedEntry>,
  after: Iterable<SizedEntry>,
  key: (path: string) => string,
  limit: number,
): SizeChange[] {
  const a = totals(before, key);
  const b = totals(after, key);
  const changes: SizeChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const old = a.get(path) ?? { bytes: 0, zipped: 0 };
    const now = b.get(path) ?? { bytes: 0, zipped: 0 };
    if (old.bytes === now.bytes && old.zipped === now.zipped) continue;
    changes.push({
      path,
      before: old.bytes,
      after: now.bytes,
      delta: now.bytes - old.bytes,
      zippedDelta: now.zipped - old.zipped,
    });
  }
  return changes
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.path.localeCompare(y.path, 'en'))
    .slice(0, limit);
}
