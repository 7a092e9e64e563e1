import { posix } from 'node:path';
import type { ElfInfo } from '../elf/read-elf.js';
import { resolveLayerPath } from '../layer/resolve-path.js';
import type { LayerEntry } from '../layer/entry.js';
import type { LibraryResolution, LibraryResolver, Loader } from './resolve-library.js';

export interface LoadAnalysis {
  /** file → soname → the folders searched, for each DT_NEEDED the loader cannot find. */
  missing: Map<string, Map<string, string[]>>;
  /** file → soname → every way that soname was resolved for that file (one per load context). */
  resolved: Map<string, Map<string, LibraryResolution[]>>;
}

/** Load contexts analysed per file; real layers need one or two. */
const MAX_CONTEXTS_PER_FILE = 8;

/**
 * Simulates ld.so loading each entry point of the layer, breadth-first as ld.so does: a
 * dependency whose soname is already loaded is reused, and a dependency's own dependencies are
 * searched with the DT_RPATHs of the objects that loaded it. That is how auditwheel's
 * `numpy.libs/libgfortran` finds `libquadmath` though it has no RPATH of its own.
 *
 * Entry points are the ELF files no other layer file needs by name (Python extension modules,
 * Node addons, programs); files only ever needed by name are analysed where they get loaded,
 * and as entry points too when nothing in the layer reaches them.
 */
export function analyseLoads(
  elfs: Map<string, ElfInfo>,
  entries: Map<string, LayerEntry>,
  resolver: LibraryResolver,
  loadable: (path: string) => boolean,
): LoadAnalysis {
  const analysis: LoadAnalysis = { missing: new Map(), resolved: new Map() };
  const contexts = new Map<string, Set<string>>();
  const neededNames = new Set<string>();
  for (const [path, elf] of elfs) if (loadable(path)) for (const n of elf.needed) neededNames.add(n);

  // Files reachable by a needed name: by their own name, their soname, or a symlink's name.
  const neededByName = new Set<string>();
  for (const [path, elf] of elfs) {
    if (neededNames.has(posix.basename(path)) || (elf.soname && neededNames.has(elf.soname)))
      neededByName.add(path);
  }
  for (const entry of entries.values()) {
    if (entry.type !== 'symlink' || !neededNames.has(posix.basename(entry.path))) continue;
    const target = resolveLayerPath(entries, entry.path);
    if (target.kind === 'file') neededByName.add(target.path);
  }

  const roots = [...elfs.keys()].filter((p) => loadable(p) && !neededByName.has(p)).sort();
  for (const root of roots) simulate(root);
  for (const path of [...elfs.keys()].sort()) if (loadable(path) && !contexts.has(path)) simulate(path);
  return analysis;

  function simulate(root: string): void {
    const rootElf = elfs.get(root);
    if (!rootElf) return;
    // Sonames already in this process: ld.so reuses them before searching (glibc _dl_map_object).
    const rootSelf: LibraryResolution = {
      kind: 'layer',
      path: root,
      elf: rootElf,
      dir: posix.dirname(`/opt/${root}`),
    };
    const loaded = new Map<string, LibraryResolution>([[posix.basename(root), rootSelf]]);
    if (rootElf.soname) loaded.set(rootElf.soname, rootSelf);
    const queue: { path: string; elf: ElfInfo; loaders: Loader[] }[] = [
      { path: root, elf: rootElf, loaders: [] },
    ];
    while (queue.length > 0) {
      const item = queue.shift();
      if (!item) break;
      const key = item.loaders.map((l) => l.path).join('>');
      const seen = contexts.get(item.path) ?? new Set<string>();
      if (seen.has(key) || seen.size >= MAX_CONTEXTS_PER_FILE) continue;
      seen.add(key);
      contexts.set(item.path, seen);
      for (const soname of item.elf.needed) {
        const already = loaded.get(soname);
        if (already) {
          record(item.path, soname, already);
          continue;
        }
        const result = resolver.resolve(item.path, item.elf, soname, item.loaders);
        record(item.path, soname, result);
        if (result.kind === 'missing') continue;
        loaded.set(soname, result);
        if (result.kind === 'layer') {
          if (result.elf.soname) loaded.set(result.elf.soname, result);
          queue.push({
            path: result.path,
            elf: result.elf,
            loaders: [{ path: item.path, elf: item.elf }, ...item.loaders],
          });
        }
      }
    }
  }

  function record(path: string, soname: string, result: LibraryResolution): void {
    if (result.kind === 'missing') {
      const forFile = analysis.missing.get(path) ?? new Map<string, string[]>();
      if (!forFile.has(soname)) forFile.set(soname, result.searched);
      analysis.missing.set(path, forFile);
      return;
    }
    const forFile = analysis.resolved.get(path) ?? new Map<string, LibraryResolution[]>();
    const list = forFile.get(soname) ?? [];
    if (
      !list.some(
        (r) =>
          r.kind === result.kind &&
          (r.kind !== 'layer' || (result.kind === 'layer' && r.path === result.path)),
      )
    ) {
      list.push(result);
    }
    forFile.set(soname, list);
    analysis.resolved.set(path, forFile);
  }
}
