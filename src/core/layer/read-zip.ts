import { posix } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { SafeZip } from './zip/open-zip.js';
import type { ZipRecord } from './zip/open-zip.js';
import type { LayerEntry } from './entry.js';
import { S_IFDIR, S_IFLNK, S_IFMT } from './modes.js';
import type { LayerEntryType } from './modes.js';

/**
 * One entry of a layer zip, from its central directory. `path` is the name as it lands under
 * /opt (`./python/x/` is `python/x`, the root is ''). `mode` is from the unix external
 * attributes, or inferred (0755 folders, 0644 files) as extraction would give them.
 */
export interface ZipEntryInfo extends LayerEntry {
  /** The name exactly as stored, unsafe ones (`/x`, `../x`) included: the caller flags those. */
  name: string;
  /** False when the zip carries no unix mode for the entry (made on Windows, or attributes left 0). */
  modeKnown: boolean;
  compressedSize: number;
}

/** Host systems in "version made by" whose external attributes carry a unix st_mode. */
const UNIX_HOSTS = new Set([3 /* Unix */, 19 /* OS X */]);

/**
 * Reads any zip's central directory one entry at a time, including zips not made by
 * layerforge, and reads the small body of each symlink to learn its target. Names are not
 * validated here: the caller flags `..` and absolute names. A missing file, one that is not a
 * zip, or a hostile zip (see SafeZip) is a UserError (exit 2).
 */
export async function* readZipEntries(
  zipPath: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ZipEntryInfo, void, undefined> {
  const zip = await SafeZip.open(zipPath, { signal: options.signal });
  try {
    for (const record of zip.entries) {
      throwIfAborted(options.signal);
      const info = describeZipEntry(record);
      if (info.type === 'symlink') info.linkTarget = await zip.readLink(record);
      yield info;
    }
  } finally {
    await zip.close();
  }
}

/** What one central directory record says about its entry: the one reading of zip modes. */
export function describeZipEntry({ name, entry }: ZipRecord): ZipEntryInfo {
  const host = entry.versionMadeBy >> 8;
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const modeKnown = UNIX_HOSTS.has(host) && unixMode !== 0;
  const dosDirectory = (entry.externalFileAttributes & 0x10) !== 0;
  let type: LayerEntryType;
  if (modeKnown && (unixMode & S_IFMT) === S_IFLNK) type = 'symlink';
  else if (
    name.endsWith('/') ||
    (modeKnown && (unixMode & S_IFMT) === S_IFDIR) ||
    (!modeKnown && dosDirectory)
  ) {
    type = 'dir';
  } else type = 'file';
  return {
    name,
    path: layerPath(name),
    type,
    mode: modeKnown ? unixMode & 0o7777 : type === 'dir' ? 0o755 : 0o644,
    modeKnown,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
  };
}

function layerPath(name: string): string {
  const path = posix.normalize(name).replace(/^\.\/|\/$/g, '');
  return path === '.' ? '' : path;
}
