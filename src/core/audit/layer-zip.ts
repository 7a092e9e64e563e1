import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { UserError, throwIfAborted } from '../errors.js';
import { hasElfMagic } from './elf/read-elf.js';
import type { LayerEntry, LayerTree } from './layer-tree.js';
import { mayBeElf } from './scan-elf.js';
import { ZipFileReader } from './zip-reader.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const UNIX_HOST = 3;

/** Files whose bytes the audit needs besides ELF files: wheel metadata. */
function keepsContent(path: string): boolean {
  return /\.dist-info\/(WHEEL|RECORD)$/.test(path);
}

/** ELF files extracted at once: inflating runs on libuv's threads, so a few overlap usefully. */
const EXTRACTIONS = 3;

/**
 * Reads a layer zip with yauzl, streaming: every entry's name, mode and symlink target, and the
 * bytes of only the files the audit reads (ELF files, found by inflating their first bytes, and
 * wheel metadata), extracted to a temporary folder that `cleanup()` removes.
 */
export async function readLayerZip(zipPath: string, signal?: AbortSignal): Promise<LayerTree> {
  const handle = await open(zipPath, 'r');
  let zip: ZipFile;
  let reader: ZipFileReader;
  try {
    const { size } = await handle.stat();
    reader = await ZipFileReader.open(zipPath, handle, size);
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (cause) {
    await handle.close();
    throw new UserError(`${zipPath} is not a readable zip: ${(cause as Error).message}`, {
      cause,
      hint: 'audit a layer zip built by `layerforge build`, or a folder laid out as it lands in /opt',
    });
  }
  const scratch = await mkdtemp(join(tmpdir(), 'layerforge-audit-'));
  const entries = new Map<string, LayerEntry>();
  const kept = new Set<string>();
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  const extracting = new Set<Promise<void>>();
  try {
    for await (const entry of zipEntries(zip)) {
      throwIfAborted(signal);
      const path = await readEntry(zip, reader, entry, entries);
      if (path === undefined) continue;
      const job = extract(zip, entry, join(scratch, path)).then(() => {
        kept.add(path);
      });
      extracting.add(job);
      void job.finally(() => extracting.delete(job)).catch(() => {});
      if (extracting.size >= EXTRACTIONS) await Promise.race(extracting);
    }
    await Promise.all(extracting);
  } catch (error) {
    await Promise.allSettled(extracting);
    await cleanup();
    if (
      error instanceof Error &&
      /invalid relative path|absolute path|invalid characters/.test(error.message)
    ) {
      throw new UserError(`${zipPath} has an unsafe entry: ${error.message}`, {
        hint: 'entries must stay inside the layer: no absolute paths and no `..`',
      });
    }
    throw error;
  } finally {
    zip.close();
    await handle.close();
  }
  addImplicitFolders(entries);
  return {
    entries,
    contentPath: (path) => (kept.has(path) ? join(scratch, path) : undefined),
    cleanup,
  };
}

async function* zipEntries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = new Promise<Entry | undefined>((resolve, reject) => {
      const onEntry = (entry: Entry) => done(() => resolve(entry));
      const onEnd = () => done(() => resolve(undefined));
      const onError = (error: Error) => done(() => reject(error));
      const done = (settle: () => void) => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        settle();
      };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    });
    zip.readEntry();
    const entry = await next;
    if (!entry) return;
    yield entry;
  }
}

/**
 * Records one entry; returns its path when its bytes should be extracted (an ELF file or
 * wheel metadata), undefined otherwise.
 */
async function readEntry(
  zip: ZipFile,
  reader: ZipFileReader,
  entry: Entry,
  entries: Map<string, LayerEntry>,
): Promise<string | undefined> {
  const isDirName = entry.fileName.endsWith('/');
  const path = posix.normalize(entry.fileName).replace(/^\.\/|\/$/g, '');
  if (path === '' || path === '.') return undefined;
  const unix = entry.versionMadeBy >> 8 === UNIX_HOST ? entry.externalFileAttributes >>> 16 : 0;
  const type = unix & S_IFMT;
  // Zips made without Unix modes (e.g. on Windows) carry none: assume what extraction gives.
  const mode = unix !== 0 ? unix & 0o7777 : isDirName ? 0o755 : 0o644;
  if (isDirName || type === S_IFDIR) {
    entries.set(path, { path, kind: 'dir', mode, size: 0 });
    return undefined;
  }
  if (type === S_IFLNK) {
    const parts: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) parts.push(chunk as Buffer);
    const linkTarget = Buffer.concat(parts).toString('utf8');
    entries.set(path, { path, kind: 'symlink', mode, size: entry.uncompressedSize, linkTarget });
    return undefined;
  }
  entries.set(path, { path, kind: 'file', mode, size: entry.uncompressedSize });
  if (keepsContent(path)) return path;
  if (entry.uncompressedSize < 4 || !mayBeElf(path) || entry.isEncrypted()) return undefined;
  return hasElfMagic(await entryHead(reader, entry)) ? path : undefined;
}

/** The first bytes of an entry, inflating only as much of it as that takes. */
async function entryHead(reader: ZipFileReader, entry: Entry): Promise<Buffer> {
  for (const take of [256, 4096, 65536]) {
    const probe = await reader.readAt(entry.relativeOffsetOfLocalHeader, 30 + take);
    if (probe.length < 30 || probe.readUInt32LE(0) !== 0x04034b50) return Buffer.alloc(0);
    const start = 30 + probe.readUInt16LE(26) + probe.readUInt16LE(28);
    const data = await reader.readAt(
      entry.relativeOffsetOfLocalHeader + start,
      Math.min(take, entry.compressedSize),
    );
    if (entry.compressionMethod === 0) return data.subarray(0, 4);
    if (entry.compressionMethod !== 8) return Buffer.alloc(0);
    const head = inflateRawSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (head.length >= 4 || take >= entry.compressedSize) return head.subarray(0, 4);
  }
  return Buffer.alloc(0);
}

async function extract(zip: ZipFile, entry: Entry, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(dest, { mode: 0o600 }));
}

/** Zips may omit folder entries; Lambda's extraction creates them, readable by everyone. */
function addImplicitFolders(entries: Map<string, LayerEntry>): void {
  for (const path of [...entries.keys()]) {
    let parent = posix.dirname(path);
    while (parent !== '.' && !entries.has(parent)) {
      entries.set(parent, { path: parent, kind: 'dir', mode: 0o755, size: 0 });
      parent = posix.dirname(parent);
    }
  }
}
