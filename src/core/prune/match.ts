import { Minimatch } from 'minimatch';
import { resolveLayerLink } from '../layer/link.js';
import type { LayerTreeEntry } from '../layer/tree.js';
import { walkLayerTree } from '../layer/tree.js';
import { NEVER_TOUCH } from './rules.js';

/** The staged layer as a list in depth-first order (a directory's subtree follows it). */
export interface LayerIndex {
  entries: LayerTreeEntry[];
  /** Symlinks inside the layer and the layer path each one points at. */
  links: { link: string; target: string }[];
}

export async function indexLayer(root: string, signal?: AbortSignal): Promise<LayerIndex> {
  const entries: LayerTreeEntry[] = [];
  const links: LayerIndex['links'] = [];
  for await (const entry of walkLayerTree(root, { signal })) {
    entries.push(entry);
    if (entry.type === 'symlink' && entry.linkTarget !== undefined) {
      const resolved = resolveLayerLink(entry.path, entry.linkTarget);
      if (resolved.kind === 'inside') links.push({ link: entry.path, target: resolved.target });
    }
  }
  return { entries, links };
}

/** A path a rule takes: a file, a symlink, or a whole directory. */
export interface RuleMatch {
  path: string;
  bytes: number;
}

export interface MatchOptions {
  globs: readonly string[];
  dirsOnly?: boolean;
  /** The recipe's `prune.protect`; NEVER_TOUCH is always added. */
  protect: readonly string[];
  /** Paths earlier rules took (files, links and whole directories): skipped, and kept out of directories taken whole. */
  taken: Set<string>;
}

const isUnder = (path: string, dir: string) => path.startsWith(`${dir}/`);
const compiled = new Map<string, Minimatch>();

/** A test for "matches any of these globs" (dot files included), each glob compiled once. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const matchers = globs.map((glob) => {
    let m = compiled.get(glob);
    if (!m) compiled.set(glob, (m = new Minimatch(glob, { dot: true })));
    return m;
  });
  return (path) => matchers.some((m) => m.match(path));
}

/**
 * The paths a remove rule takes, outermost first. A matching directory is taken whole unless
 * something inside it must stay (a protected path, the target of a symlink outside it, or a path
 * an earlier rule took); then its other contents are taken one by one. Protected paths protect
 * their subtree, and a symlink's target is never removed from under it.
 */
export function matchRule(index: LayerIndex, options: MatchOptions): RuleMatch[] {
  const isProtected = globMatcher([...NEVER_TOUCH, ...options.protect]);
  const isMatch = globMatcher(options.globs);
  const { entries } = index;
  const pinned = pinnedPaths(index, isProtected, options.taken);
  const matches: RuleMatch[] = [];
  let skipUnder: string | undefined;
  let matchedUnder: string | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry === undefined) continue;
    const { path } = entry;
    if (skipUnder !== undefined && isUnder(path, skipUnder)) continue;
    skipUnder = undefined;
    if (matchedUnder !== undefined && !isUnder(path, matchedUnder)) matchedUnder = undefined;
    if (options.taken.has(path) || isProtected(path)) {
      if (entry.type === 'dir') skipUnder = path;
      continue;
    }
    const matched =
      matchedUnder !== undefined || ((!options.dirsOnly || entry.type === 'dir') && isMatch(path));
    if (!matched) continue;
    if (entry.type !== 'dir') {
      if (!pinned.files.has(path)) matches.push({ path, bytes: entry.size });
      continue;
    }
    if (pinned.dirs.has(path)) {
      // Take what may go inside it, one by one.
      matchedUnder ??= path;
      continue;
    }
    let bytes = 0;
    let j = i + 1;
    for (; j < entries.length; j++) {
      const inner = entries[j];
      if (inner === undefined || !isUnder(inner.path, path)) break;
      bytes += inner.size;
    }
    matches.push({ path, bytes });
    i = j - 1;
  }
  return matches;
}

/** Files that must stay where they are, and the directories holding one (never taken whole). */
function pinnedPaths(
  index: LayerIndex,
  isProtected: (path: string) => boolean,
  taken: Set<string>,
): { files: Set<string>; dirs: Set<string> } {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const pin = (path: string) => {
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) dirs.add(parts.slice(0, n).join('/'));
  };
  for (const entry of index.entries) {
    if (taken.has(entry.path) || isProtected(entry.path)) pin(entry.path);
  }
  for (const { link, target } of index.links) {
    files.add(target);
    // The link's target directory may hold the link itself (a/b -> .): only pin what lies outside it.
    for (const dir of ancestorsAndSelf(target)) if (!isUnder(link, dir)) dirs.add(dir);
  }
  return { files, dirs };
}

function ancestorsAndSelf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, n) => parts.slice(0, n + 1).join('/'));
}
