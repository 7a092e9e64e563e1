import { posix } from 'node:path';
import type { ElfInfo } from '../elf/read-elf.js';
import type { LayerEntryType } from './modes.js';

export type { LayerEntryType } from './modes.js';

/**
 * One path in a layer as it will land under /opt, whether read from a folder or a zip: the one
 * entry model the build, `audit` and `inspect` share.
 */
export interface LayerEntry {
  /** Relative, `/`-separated, no leading or trailing slash: `python/numpy/__init__.py`. */
  path: string;
  type: LayerEntryType;
  /** Permission bits (`& 0o7777`) as Lambda will see them. */
  mode: number;
  /** Bytes the entry takes unzipped: the file size, the link target's length, 0 for a directory. */
  size: number;
  /** Present for symlinks: the target exactly as stored. */
  linkTarget?: string;
}

/** A layer's entries by path, every parent folder present: what the layout rules read. */
export type LayerListing = ReadonlyMap<string, LayerEntry>;

/** A layer's entries plus where the bytes of its regular files can be read. */
export interface LayerTree {
  entries: Map<string, LayerEntry>;
  /** The on-disk path of a regular file's bytes, or undefined when they were not kept (zip). */
  contentPath(path: string): string | undefined;
  /** Removes temporary files (a zip's extraction); a folder layer is left alone. */
  cleanup(): Promise<void>;
  /** Files that may be ELF but whose bytes could not be read: encrypted, unknown method, over the limit. */
  unread?: { path: string; reason: string }[];
  /**
   * ELF files the reader already parsed, from memory, as it read them (a zip's): their bytes
   * are not kept, so `contentPath` knows none of them, and the scan takes these as they are.
   */
  parsedElfs?: ParsedElfs;
}

/** ELF files by path, parsed, and those that start like ELF but could not be parsed. */
export interface ParsedElfs {
  elfs: Map<string, ElfInfo>;
  unreadable: { path: string; message: string }[];
}

/** Zips may omit folder entries; Lambda's extraction creates them, readable by everyone. */
export function addImplicitFolders(entries: Map<string, LayerEntry>): void {
  for (const path of [...entries.keys()]) {
    let parent = posix.dirname(path);
    while (parent !== '.' && !entries.has(parent)) {
      entries.set(parent, { path: parent, type: 'dir', mode: 0o755, size: 0 });
      parent = posix.dirname(parent);
    }
  }
}

/** The listing of a layer's entries, the later of two with one path winning as on extraction. */
export function layerListing(entries: Iterable<LayerEntry>): Map<string, LayerEntry> {
  const listing = new Map<string, LayerEntry>();
  for (const entry of entries) listing.set(entry.path, entry);
  addImplicitFolders(listing);
  return listing;
}
