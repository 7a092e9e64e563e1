import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { symlink, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { throwIfAborted } from '../errors.js';
import { globMatcher, type LayerIndex } from './match.js';
import { NEVER_TOUCH } from './rules.js';
import { moveTo } from './side-store.js';

/**
 * Below this, a file is not worth a link: the saving is noise, and small identical files are
 * mostly licences and empty `__init__.py` that nothing gains from sharing.
 */
export const IDENTICAL_MIN_BYTES = 16 * 1024;

/** The change the `identical-files` rule makes, undoable like any rule. */
export interface IdenticalFiles {
  /** Each copy that became a link, with the file it now points at. */
  links: { path: string; kept: string }[];
  bytesSaved: number;
  apply(): Promise<void>;
  revert(): Promise<void>;
}

async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

/** Paths in `candidates` grouped by content: only groups of two or more, each sorted. */
async function identicalGroups(
  root: string,
  candidates: { path: string; size: number; mode: number }[],
  signal?: AbortSignal,
): Promise<string[][]> {
  // Only files of one size can be identical: most files are hashed never.
  const bySize = new Map<string, string[]>();
  for (const c of candidates) {
    const key = `${c.size}:${c.mode}`;
    bySize.set(key, [...(bySize.get(key) ?? []), c.path]);
  }
  const groups: string[][] = [];
  for (const paths of bySize.values()) {
    if (paths.length < 2) continue;
    const byHash = new Map<string, string[]>();
    for (const path of paths) {
      throwIfAborted(signal);
      const sha = await sha256Of(join(root, path), signal);
      byHash.set(sha, [...(byHash.get(sha) ?? []), path]);
    }
    for (const same of byHash.values()) if (same.length > 1) groups.push(same.sort());
  }
  // Paths are unique, so comparing the groups' first paths orders them completely.
  return groups.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
}

/**
 * Files with the same bytes and permissions, stored once: every copy but one becomes a relative
 * symlink to it. Two wheels that vendor the same library (numpy.libs/ and scipy.libs/ both carry
 * libgfortran, byte for byte) then ship it once; the dynamic loader opens the link's target, and
 * loads a library reached by two paths once, by its inode. The copy kept is a protected one when
 * there is one, else the first by path, so the result does not depend on the walk's order.
 * Files other rules rewrite (`skip`: strip's) and Python sources and bytecode (the pyc-only rule
 * moves those) are left alone, so reverting any rule never meets a link where it left a file.
 */
export async function identicalFilesAsLinks(
  index: LayerIndex,
  root: string,
  sideDir: string,
  options: {
    protect: readonly string[];
    taken: Set<string>;
    skip: ReadonlySet<string>;
    signal?: AbortSignal;
  },
): Promise<IdenticalFiles> {
  const takenDirs = [...options.taken].map((t) => `${t}/`);
  const gone = (path: string) => options.taken.has(path) || takenDirs.some((d) => path.startsWith(d));
  const untouchable = globMatcher(NEVER_TOUCH);
  const protectedPath = globMatcher(options.protect);
  const candidates = index.entries.filter(
    (e) =>
      e.type === 'file' &&
      e.size >= IDENTICAL_MIN_BYTES &&
      !/\.pyc?$/.test(e.path) &&
      !options.skip.has(e.path) &&
      !untouchable(e.path) &&
      !gone(e.path),
  );
  const links: (IdenticalFiles['links'][number] & { target: string })[] = [];
  let bytesSaved = 0;
  for (const group of await identicalGroups(root, candidates, options.signal)) {
    const [first, ...rest] = group;
    if (first === undefined || rest.length === 0) continue;
    const kept = group.find(protectedPath) ?? first;
    // Every copy has the same size: the group is of one size by construction.
    const size = candidates.find((c) => c.path === first)?.size ?? 0;
    for (const path of group) {
      if (path === kept || protectedPath(path)) continue;
      const target = posix.relative(posix.dirname(path), kept);
      links.push({ path, kept, target });
      // A link takes its target's length (what Lambda's 250 MB counts, as measureLayerTree does).
      bytesSaved += size - Buffer.byteLength(target);
    }
  }
  return {
    links: links.map(({ path, kept }) => ({ path, kept })),
    bytesSaved,
    async apply() {
      for (const { path, target } of links) {
        // A move, not moveOut: the folder must stay for the link that takes the file's place.
        await moveTo(join(root, path), join(sideDir, path));
        await symlink(target, join(root, path));
      }
    },
    async revert() {
      for (const { path } of [...links].reverse()) {
        await unlink(join(root, path));
        await moveTo(join(sideDir, path), join(root, path));
      }
    },
  };
}
