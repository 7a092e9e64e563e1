/**
 * What the cache folder holds, by the code that writes it:
 * - `build`: a finished layer (`builds/<digest>/`: zip + manifest, with its log from `logs/`);
 * - `log`: a build log whose build left no entry (it failed, or its entry was removed);
 * - `rootfs`: a debootstrap root file system tarball a stand-in base image is made from;
 * - `runtime-libraries`: the sonames read from a runtime image, keyed by the image's id;
 * - `source`: a recipe's downloaded source, filed by its sha256;
 * - `partial`: something being written under a temporary name (or left by a run that died);
 * - `other`: anything layerforge did not write; listed, removed only by `cache clean`.
 */
export type CacheItemKind = 'build' | 'log' | 'rootfs' | 'runtime-libraries' | 'source' | 'partial' | 'other';

export interface CacheItem {
  kind: CacheItemKind;
  /** What it is, in words: `pandas 2.3.3 python3.11 arm64 on debian12`. */
  what: string;
  /** The files and folders it is made of, removed together; the first one names it. */
  paths: string[];
  bytes: number;
  /** When it was last used (a build's cache hit touches its entry), else written: ISO 8601. */
  usedAt: string;
  /**
   * Items of one group are versions of the same thing (one recipe, runtime, arch and base):
   * `--keep-last N` keeps the N most recently used of each group.
   */
  group: string;
  /** The base image pair it belongs to, when known: `debian12`, `lambda`. */
  base?: string;
  /**
   * Never removed: a writer is (or may still be) at work on it, or it was written or used so
   * lately that a build may be copying it out this moment.
   */
  inUse?: 'being written' | 'used just now';
  /** The first path's mtime when listed: an item touched since is not removed. */
  listedMtimeMs: number;
}

/** The cache folder and what it holds. */
export interface CacheListing {
  root: string;
  items: CacheItem[];
  bytes: number;
}

/** Which items `cache prune` removes: both given means older than that and beyond the last N. */
export interface PrunePolicy {
  olderThanMs?: number;
  keepLast?: number;
  /** Only items of this base image pair. */
  base?: string;
}

/** An image layerforge built or loaded, as `cache list` shows it. */
export interface LayerforgeImage {
  id: string;
  tags: string[];
  /** As the engine counts it: layers shared with other images are counted in each. */
  bytes: number;
  /** When it was built; undefined for the root file system images, whose date is fixed at 1970. */
  created?: string;
  kind: 'build' | 'runtime' | 'rootfs' | 'invoke' | 'dangling' | 'other';
  base?: string;
  /** Lambda's arch name: `x86_64`, `arm64`. */
  arch?: string;
  group: string;
  what: string;
}

/** What happened to one item or image a removal was asked for. */
export interface Removal {
  /** The item's first path, or the image's first tag (its id when it has none). */
  name: string;
  bytes: number;
  outcome: 'removed' | 'gone' | 'used-since' | 'in-use';
}
