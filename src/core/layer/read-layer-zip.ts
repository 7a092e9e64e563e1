import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { UserError, throwIfAborted } from '../errors.js';
import { SafeZip } from './zip/open-zip.js';
import type { ZipRecord } from './zip/open-zip.js';
import { corruptZip } from './zip/zip-errors.js';
import { hasElfMagic, readElfBytes } from '../elf/read-elf.js';
import { mayBeElf, unparsableBecause } from '../audit/scan-elf.js';
import { addImplicitFolders } from './entry.js';
import type { LayerEntry, LayerTree, ParsedElfs } from './entry.js';
import { isUnsafeEntryName } from './link.js';
import { describeZipEntry } from './read-zip.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';

/** Files whose bytes the audit needs besides ELF files: wheel metadata. */
function keepsContent(path: string): boolean {
  return /\.dist-info\/(WHEEL|RECORD)$/.test(path);
}

/** WHEEL and RECORD are read whole as text: a real RECORD is well under a megabyte. */
const METADATA_BYTES = 16 * 1024 * 1024;

/** Entries inflated or extracted at once: inflating runs on libuv's threads, so a few overlap usefully. */
const PARALLEL = 4;

/** ELF files up to this size are inflated in memory and parsed there; larger ones are extracted. */
const IN_MEMORY_FILE_BYTES = 64 * 1024 * 1024;

/** Inflated bytes held in memory at once, across the ELF files being parsed. */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * Reads a layer zip, streaming: every entry's name, mode and symlink target, and the bytes of
 * only the files the audit reads (ELF files, found by inflating their first bytes, and wheel
 * metadata). ELF files are inflated in memory and parsed there (`parsedElfs`): writing them
 * out only to read their headers back cost more than the inflating. Wheel metadata, and ELF
 * files too large to hold or storing more than their size could deflate to (readsInMemory),
 * are extracted to a temporary folder that `cleanup()` removes.
 *
 * The zip is untrusted: see SafeZip for its checks, which hold on both paths. Never more than
 * Lambda's unzipped limit is read in all; files past it are listed in `unread`, as are
 * encrypted ones and unknown compression methods.
 */
export async function readLayerZip(zipPath: string, signal?: AbortSignal): Promise<LayerTree> {
  const zip = await SafeZip.open(zipPath, { signal });
  const scratch = await mkdtemp(join(tmpdir(), 'layerforge-audit-')).catch(async (error: unknown) => {
    await zip.close();
    throw error;
  });
  const entries = new Map<string, LayerEntry>();
  const kept = new Set<string>();
  const parsedElfs: ParsedElfs = { elfs: new Map(), unreadable: [] };
  const unread: { path: string; reason: string }[] = [];
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  const reading = new Set<Promise<void>>();
  // Reserved by each entry before it is read, from its declared size: SafeZip then holds it to that size.
  let budget: number = LAMBDA_LIMITS.unzippedBytes;
  let held = 0;
  try {
    for (const record of zip.entries) {
      throwIfAborted(signal);
      const path = await readEntry(zip, record, entries, unread);
      if (path === undefined) continue;
      const size = record.entry.uncompressedSize;
      if (size > budget) {
        unread.push({ path, reason: "not read: the layer's files pass Lambda's 250 MB limit before it" });
        continue;
      }
      budget -= size;
      const inMemory = !keepsContent(path) && readsInMemory(record);
      while (reading.size >= PARALLEL || (inMemory && held > 0 && held + size > IN_MEMORY_BYTES)) {
        await Promise.race(reading);
      }
      let job: Promise<void>;
      if (inMemory) {
        held += size;
        job = parseInMemory(zip, record, path, parsedElfs, signal).finally(() => {
          held -= size;
        });
      } else {
        job = extract(zip, record, join(scratch, path), signal).then(() => {
          kept.add(path);
        });
      }
      reading.add(job);
      void job.finally(() => reading.delete(job)).catch(() => {});
    }
    await Promise.all(reading);
  } catch (error) {
    await Promise.allSettled(reading);
    await cleanup();
    throw error;
  } finally {
    await zip.close();
  }
  addImplicitFolders(entries);
  parsedElfs.unreadable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    entries,
    contentPath: (path) => (kept.has(path) ? join(scratch, path) : undefined),
    cleanup,
    unread,
    parsedElfs,
  };
}

/**
 * Whether an entry is small enough to inflate in memory, and its stored bytes no more than
 * deflate could have made of it: zlib's worst case is about 0.03% over the size (deflateBound).
 * A zip may claim a few bytes over gigabytes of data; such an entry is streamed, as a file too
 * large to hold is, and fails its size check there with memory flat.
 */
export function readsInMemory(record: ZipRecord): boolean {
  const { uncompressedSize: size, compressedSize: stored } = record.entry;
  return size <= IN_MEMORY_FILE_BYTES && stored <= size + Math.ceil(size / 1024) + 1024;
}

/** Inflates an ELF entry in memory (its size and CRC-32 checked) and parses it there. */
async function parseInMemory(
  zip: SafeZip,
  record: ZipRecord,
  path: string,
  parsed: ParsedElfs,
  signal?: AbortSignal,
): Promise<void> {
  const bytes = await zip.inflateEntry(record, signal);
  try {
    const info = await readElfBytes(bytes);
    if (info) parsed.elfs.set(path, info);
  } catch (error) {
    const message = unparsableBecause(error);
    if (message === undefined) throw error;
    parsed.unreadable.push({ path, message });
  }
}

/**
 * Records one entry; returns its path when its bytes should be extracted (an ELF file or
 * wheel metadata), undefined otherwise.
 */
async function readEntry(
  zip: SafeZip,
  record: ZipRecord,
  entries: Map<string, LayerEntry>,
  unread: { path: string; reason: string }[],
): Promise<string | undefined> {
  const { entry } = record;
  if (isUnsafeEntryName(posix.normalize(record.name))) {
    throw new UserError(`${zip.path} has an unsafe entry: ${record.name}`, {
      hint: 'entries must stay inside the layer: no absolute paths and no `..`',
    });
  }
  const { path, type, mode, size } = describeZipEntry(record);
  if (path === '') return undefined;
  if (type === 'dir') {
    entries.set(path, { path, type, mode, size: 0 });
    return undefined;
  }
  if (type === 'symlink') {
    entries.set(path, { path, type, mode, size, linkTarget: await zip.readLink(record) });
    return undefined;
  }
  entries.set(path, { path, type, mode, size });
  if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
    if (mayBeElf(path) || keepsContent(path)) {
      const how = entry.isEncrypted() ? 'encrypted' : `compressed with method ${entry.compressionMethod}`;
      unread.push({ path, reason: `${how}: Lambda's extraction cannot unpack it` });
    }
    return undefined;
  }
  if (keepsContent(path)) {
    if (entry.uncompressedSize <= METADATA_BYTES) return path;
    unread.push({
      path,
      reason: `wheel metadata of ${entry.uncompressedSize} bytes, over the ${METADATA_BYTES} read`,
    });
    return undefined;
  }
  if (entry.uncompressedSize < 4 || !mayBeElf(path)) return undefined;
  return hasElfMagic(await entryHead(zip, record)) ? path : undefined;
}

/** The first bytes of an entry, inflating only as much of it as that takes. */
async function entryHead(zip: SafeZip, record: ZipRecord): Promise<Buffer> {
  // Each step inflates at most 1032 times its input: 4 KiB in gives at most about 4 MiB out.
  for (const take of [64, 512, 4096]) {
    const data = await zip.readRaw(record, take);
    if (record.entry.compressionMethod === 0) return data.subarray(0, 4);
    let head: Buffer;
    try {
      head = inflateRawSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (cause) {
      throw corruptZip(zip.path, `${record.name}: ${(cause as Error).message}`, cause);
    }
    if (head.length >= 4 || take >= record.entry.compressedSize) return head.subarray(0, 4);
  }
  return Buffer.alloc(0);
}

async function extract(zip: SafeZip, record: ZipRecord, dest: string, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await zip.pipeEntry(record, createWriteStream(dest, { mode: 0o600 }), { signal });
}
