import type { LayerEntry } from './entry.js';
import { layerListing } from './entry.js';
import { resolveLayerPath } from './resolve-path.js';

export type LinkStatus = 'ok' | 'dangling' | 'absolute' | 'escapes' | 'loop';

export interface SymlinkInfo {
  path: string;
  target: string;
  status: LinkStatus;
  /** Layer path the link finally reaches, when it does. */
  resolved?: string;
}

/**
 * Checks every symlink of a layer listing against the listing itself: where it ends up once
 * links to links (and links to directories on the way) are followed, as the kernel follows
 * them at /opt. Nothing touches the disk, so a zip can be checked without extracting it.
 */
export function checkSymlinks(
  entries: readonly Pick<LayerEntry, 'path' | 'type' | 'linkTarget'>[],
): SymlinkInfo[] {
  const listing = layerListing(entries.map((e) => ({ mode: 0o755, size: 0, ...e })));
  return entries
    .filter((entry) => entry.type === 'symlink')
    .map(({ path, linkTarget }): SymlinkInfo => {
      const target = linkTarget ?? '';
      const resolved = resolveLayerPath(listing, path);
      switch (resolved.kind) {
        case 'file':
        case 'dir':
          return { path, target, status: 'ok', resolved: resolved.path };
        case 'outside':
          return { path, target, status: target.startsWith('/') ? 'absolute' : 'escapes' };
        case 'missing':
          return { path, target, status: 'dangling' };
        case 'loop':
          return { path, target, status: 'loop' };
      }
    });
}
