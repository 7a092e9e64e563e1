import { posix } from 'node:path';
import { EM_AARCH64 } from '../elf/constants.js';
import type { ElfInfo } from '../elf/read-elf.js';
import { RUNTIME_LD_LIBRARY_PATH } from '../lambda/runtime-environment.js';
import { resolveLayerPath } from '../layer/resolve-path.js';
import type { LayerEntry } from '../layer/entry.js';
import type { SystemLibraries } from './types.js';

/** ld.so's trusted folders on a 64-bit Amazon Linux, searched after ld.so.cache. */
const DEFAULT_DIRS = ['/lib64', '/usr/lib64'];

/** An object in the chain that loaded another one: its DT_RPATH is searched for its dependencies. */
export interface Loader {
  path: string;
  elf: ElfInfo;
}

export type LibraryResolution =
  | { kind: 'layer'; path: string; elf: ElfInfo; dir: string }
  | { kind: 'system'; dir: string }
  | { kind: 'missing'; searched: string[] };

/** True when an absolute folder is the function's own code (/var/task), which the audit cannot see. */
function isFunctionCode(dir: string): boolean {
  return dir === '/var/task' || dir.startsWith('/var/task/');
}

function inLayer(dir: string): string | undefined {
  if (dir === '/opt') return '';
  return dir.startsWith('/opt/') ? dir.slice('/opt/'.length) : undefined;
}

/**
 * Finds the file a DT_NEEDED entry loads on Lambda, in ld.so's order (ld.so(8)): DT_RPATH when
 * there is no DT_RUNPATH, then LD_LIBRARY_PATH, then DT_RUNPATH, then the image's libraries
 * (ld.so.cache and /lib64, /usr/lib64). A candidate of another ELF class or machine is skipped,
 * as ld.so does.
 */
export class LibraryResolver {
  private readonly cache = new Map<string, LibraryResolution>();

  constructor(
    private readonly entries: Map<string, LayerEntry>,
    private readonly elfs: Map<string, ElfInfo>,
    private readonly system: SystemLibraries,
  ) {}

  /**
   * The search folders for `from` (a layer path), each `$ORIGIN` expanded as it lands under
   * /opt. `loaders` are the objects that caused `from` to be loaded, nearest first: when `from`
   * has no DT_RUNPATH, ld.so also tries their DT_RPATHs, each with its own `$ORIGIN`.
   */
  searchDirs(fromPath: string, from: ElfInfo, loaders: Loader[] = []): string[] {
    const platform = from.machine === EM_AARCH64 ? 'aarch64' : 'x86_64';
    const expand = (list: string[], path: string) => {
      const origin = posix.dirname(posix.join('/opt', path));
      return list
        .flatMap((s) => s.split(':'))
        .filter((d) => d !== '')
        .map((d) =>
          posix.normalize(
            d
              .replace(/\$(ORIGIN|\{ORIGIN\})/g, origin)
              .replace(/\$(LIB|\{LIB\})/g, 'lib64')
              .replace(/\$(PLATFORM|\{PLATFORM\})/g, platform),
          ),
        )
        .filter((d) => d.startsWith('/'));
    };
    const rpaths =
      from.runpath.length === 0
        ? [...expand(from.rpath, fromPath), ...loaders.flatMap((l) => expand(l.elf.rpath, l.path))]
        : [];
    return [...rpaths, ...RUNTIME_LD_LIBRARY_PATH, ...expand(from.runpath, fromPath), ...DEFAULT_DIRS];
  }

  resolve(fromPath: string, from: ElfInfo, soname: string, loaders: Loader[] = []): LibraryResolution {
    if (soname.includes('/')) return this.resolvePath(soname, from);
    const dirs = this.searchDirs(fromPath, from, loaders);
    const key = `${from.bits}:${from.machine}:${dirs.join(':')}:${soname}`;
    const known = this.cache.get(key);
    if (known) return known;
    const result = this.search(dirs, from, soname);
    this.cache.set(key, result);
    return result;
  }

  private search(dirs: string[], from: ElfInfo, soname: string): LibraryResolution {
    for (const dir of dirs) {
      const rel = inLayer(dir);
      if (rel !== undefined) {
        const found = this.layerCandidate(posix.join(rel, soname), from);
        if (found) return { ...found, dir };
      } else if (!isFunctionCode(dir) && this.system.has(soname)) {
        return { kind: 'system', dir };
      }
    }
    return { kind: 'missing', searched: dirs };
  }

  /** A DT_NEEDED with a slash is a path, opened as is. */
  private resolvePath(path: string, from: ElfInfo): LibraryResolution {
    const rel = path.startsWith('/') ? inLayer(posix.normalize(path)) : undefined;
    if (rel !== undefined) {
      const found = this.layerCandidate(rel, from);
      if (found) return { ...found, dir: posix.dirname(path) };
    } else if (path.startsWith('/') && !isFunctionCode(path) && this.system.has(posix.basename(path))) {
      return { kind: 'system', dir: posix.dirname(path) };
    }
    return { kind: 'missing', searched: [path] };
  }

  private layerCandidate(
    rel: string,
    from: ElfInfo,
  ): { kind: 'layer'; path: string; elf: ElfInfo } | undefined {
    const resolved = resolveLayerPath(this.entries, rel);
    if (resolved.kind !== 'file') return undefined;
    const elf = this.elfs.get(resolved.path);
    if (!elf || elf.machine !== from.machine || elf.bits !== from.bits) return undefined;
    return { kind: 'layer', path: resolved.path, elf };
  }

  /** True when the layer file at `path` (symlinks followed) defines every version in `names`. */
  definesVersions(path: string, names: string[]): boolean {
    const resolved = resolveLayerPath(this.entries, path);
    const elf = resolved.kind === 'file' ? this.elfs.get(resolved.path) : undefined;
    return elf !== undefined && names.every((name) => elf.versionDefs.includes(name));
  }

  /** Layer files named `soname` anywhere, for hints when the loader would not find them. */
  copiesInLayer(soname: string): string[] {
    const copies: string[] = [];
    for (const entry of this.entries.values()) {
      if (entry.type !== 'dir' && posix.basename(entry.path) === soname) copies.push(entry.path);
    }
    return copies.sort();
  }
}
