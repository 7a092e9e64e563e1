import { getRuntime, runtimeIds } from '../runtimes/catalog.js';

/**
 * `extensions/` is where Lambda looks for extension executables in every runtime; the catalog
 * lists only the paths runtimes search for code and libraries.
 */
const EVERY_RUNTIME = ['bin', 'lib', 'extensions'];

/**
 * The paths inside a layer zip that Lambda searches: those of one runtime (throws a UserError
 * for an unknown id), or without one the union over every runtime in the catalog.
 */
export function searchedLayerPaths(runtime?: string): string[] {
  // The catalog gives `bootstrap` to provided.* only: a custom runtime's entry point.
  const paths =
    runtime === undefined
      ? runtimeIds().flatMap((id) => getRuntime(id).layerPaths)
      : getRuntime(runtime).layerPaths;
  return [...new Set([...paths, ...EVERY_RUNTIME])].sort();
}

export type PathPlacement = 'searched' | 'ancestor' | 'outside';

/**
 * Where a layer path sits relative to the searched paths: at or under one (`python/numpy/x.py`),
 * a directory on the way to one (`nodejs`, `python/lib`), or outside all of them.
 */
export function placePath(path: string, searched: readonly string[]): PathPlacement {
  if (searched.some((p) => path === p || path.startsWith(`${p}/`))) return 'searched';
  if (searched.some((p) => p.startsWith(`${path}/`))) return 'ancestor';
  return 'outside';
}

/** The shortest prefix of an outside path that is itself outside: how findings are grouped. */
export function outsidePrefix(path: string, searched: readonly string[]): string {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i += 1) {
    const prefix = parts.slice(0, i).join('/');
    if (placePath(prefix, searched) === 'outside') return prefix;
  }
  return path;
}
