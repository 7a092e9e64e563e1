import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { UserError, throwIfAborted } from '../errors.js';
import { S_IFDIR, S_IFLNK, S_IFMT } from './modes.js';
import type { LayerEntryType } from './modes.js';

/** One entry of a layer zip, from its central directory. */
export interface ZipEntryInfo {
  /** The entry name without a directory's trailing slash; unsafe names (`/x`, `../x`) are kept as is. */
  path: string;
  type: LayerEntryType;
  /** Permission bits (`& 0o7777`): from the unix external attributes, or inferred (0755 dirs, 0644 files). */
  mode: number;
  /** False when the zip carries no unix mode for the entry (made on Windows, or attributes left 0). */
  modeKnown: boolean;
  /** Uncompressed bytes: what Lambda counts. */
  size: number;
  compressedSize: number;
  /** Present for symlinks: the target stored as the entry's body. */
  linkTarget?: string;
}

/** Host systems in "version made by" whose external attributes carry a unix st_mode. */
const UNIX_HOSTS = new Set([3 /* Unix */, 19 /* OS X */]);
/** A symlink's body is its target: anything longer than PATH_MAX is not a real link. */
const MAX_LINK_BYTES = 4096;

/**
 * Reads any zip's central directory one entry at a time, including zips not made by
 * layerforge, and reads the small body of each symlink to learn its target. Names are not
 * validated here (yauzl would refuse `..` and absolute names): the caller flags them.
 * A missing file or one that is not a zip is a UserError (exit 2).
 */
export async function* readZipEntries(
  zipPath: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ZipEntryInfo, void, undefined> {
  const zipfile = await openZip(zipPath);
  try {
    for (;;) {
      throwIfAborted(options.signal);
      const entry = await nextEntry(zipfile, zipPath);
      if (entry === undefined) return;
      const info = describe(entry);
      if (info.type === 'symlink') info.linkTarget = await readLinkTarget(zipfile, entry, zipPath);
      yield info;
    }
  } finally {
    zipfile.close();
  }
}

async function openZip(zipPath: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: false, autoClose: false });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(`no such file: ${zipPath}`, {
        cause,
        hint: 'give the path of a layer zip, e.g. dist/<recipe>.zip',
      });
    }
    if (code === 'EISDIR') {
      throw new UserError(`${zipPath} is a directory, not a zip`, {
        cause,
        hint: 'give the path of a layer zip file',
      });
    }
    throw notAZip(zipPath, cause);
  }
}

function notAZip(zipPath: string, cause: unknown): UserError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UserError(`${zipPath} is not a readable zip file (${reason})`, {
    cause,
    hint: 'check the file is a complete .zip (e.g. `unzip -t` it); a download may have been cut short',
  });
}

function nextEntry(zipfile: ZipFile, zipPath: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry) => finish(() => resolve(entry));
    const onEnd = () => finish(() => resolve(undefined));
    const onError = (error: unknown) => finish(() => reject(notAZip(zipPath, error)));
    const finish = (then: () => void) => {
      zipfile.off('entry', onEntry).off('end', onEnd).off('error', onError);
      then();
    };
    zipfile.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zipfile.readEntry();
  });
}

function describe(entry: Entry): ZipEntryInfo {
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    false,
  );
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
    path: name.endsWith('/') ? name.slice(0, -1) : name,
    type,
    mode: modeKnown ? unixMode & 0o7777 : type === 'dir' ? 0o755 : 0o644,
    modeKnown,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
  };
}

async function readLinkTarget(zipfile: ZipFile, entry: Entry, zipPath: string): Promise<string> {
  if (entry.uncompressedSize > MAX_LINK_BYTES) return '';
  let stream: Readable;
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    throw notAZip(zipPath, error);
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw notAZip(zipPath, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}
