import { posix } from 'node:path';
import type { LayerEntry } from './entry.js';

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
export function resolveLayerPath(entries: ReadonlyMap<string, LayerEntry>, path: string): Resolved {
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
    if (entry.type === 'symlink') {
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
    if (entry.type === 'file' && queue.some((p) => p !== '' && p !== '.')) {
      return { kind: 'missing', path: posix.join(candidate, ...queue) };
    }
  }
  const final = current.join('/');
  if (final === '') return { kind: 'dir', path: '' };
  return { kind: entries.get(final)?.type === 'file' ? 'file' : 'dir', path: final };
}
