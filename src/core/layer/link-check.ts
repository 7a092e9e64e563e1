import { resolveLayerLink } from './link.js';
import type { LayerEntryType } from './modes.js';

export type LinkStatus = 'ok' | 'dangling' | 'absolute' | 'escapes' | 'loop';

export interface SymlinkInfo {
  path: string;
  target: string;
  status: LinkStatus;
  /** Layer path the link finally reaches, when it does. */
  resolved?: string;
}

/** Following more links than this is a loop, as the kernel's ELOOP limit says. */
const MAX_HOPS = 40;

/**
 * Checks every symlink of a layer listing against the listing itself: where it ends up once
 * links to links (and links to directories on the way) are followed. Nothing touches the disk,
 * so a zip can be checked without extracting it.
 */
export function checkSymlinks(
  entries: readonly { path: string; type: LayerEntryType; linkTarget?: string }[],
): SymlinkInfo[] {
  const links = new Map<string, string>();
  const present = new Set<string>(['']);
  for (const entry of entries) {
    if (entry.type === 'symlink') links.set(entry.path, entry.linkTarget ?? '');
    else present.add(entry.path);
    // Zips may omit directory entries: every parent of an entry exists.
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i += 1) present.add(parts.slice(0, i).join('/'));
  }
  return [...links].map(([path, target]) => ({ path, target, ...follow(path, target, links, present) }));
}

function follow(
  linkPath: string,
  target: string,
  links: ReadonlyMap<string, string>,
  present: ReadonlySet<string>,
): { status: LinkStatus; resolved?: string } {
  const first = resolveLayerLink(linkPath, target);
  if (first.kind !== 'inside') return { status: first.kind };
  let current = first.target;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const next = step(current, links);
    if (next === undefined)
      return present.has(current) ? { status: 'ok', resolved: current } : { status: 'dangling' };
    if (next.kind !== 'inside') return { status: 'escapes' };
    current = next.target;
  }
  return { status: 'loop' };
}

/** Replaces the first symlink found on `path` (itself or a parent directory) by its target. */
function step(
  path: string,
  links: ReadonlyMap<string, string>,
): ReturnType<typeof resolveLayerLink> | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i += 1) {
    const prefix = parts.slice(0, i).join('/');
    const target = links.get(prefix);
    if (target === undefined) continue;
    const resolved = resolveLayerLink(prefix, target);
    if (resolved.kind !== 'inside') return resolved;
    const rest = parts.slice(i).join('/');
    return { kind: 'inside', target: [resolved.target, rest].filter((p) => p !== '').join('/') };
  }
  return undefined;
}
