import { posix } from 'node:path';

/** Where a symlink inside a layer points, resolved without touching the disk. */
export type LinkResolution =
  | { kind: 'inside'; /** Layer-relative path of the target; '' is the layer root. */ target: string }
  | { kind: 'absolute' }
  | { kind: 'escapes' };

/**
 * Resolves a symlink's target against the directory that holds the link, lexically (as
 * POSIX does for a path with no symlinks in between). `lib/libz.so -> libz.so.1` is inside;
 * `/usr/lib/libz.so` is absolute and `../../etc/passwd` escapes: both point outside `/opt`
 * once Lambda extracts the layer, or at whatever the build machine had there.
 *
 * A target that climbs above the layer root and comes back (`../opt/lib/x`) is refused too:
 * it only works when the layer lands at one particular mount point.
 */
export function resolveLayerLink(linkPath: string, target: string): LinkResolution {
  if (target.startsWith('/')) return { kind: 'absolute' };
  const parts: string[] = [];
  for (const part of [...posix.dirname(linkPath).split('/'), ...target.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { kind: 'escapes' };
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { kind: 'inside', target: parts.join('/') };
}

/** True when a zip entry name could write outside the extraction folder. */
export function isUnsafeEntryName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..');
}
