import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { UserError, throwIfAborted } from '../errors.js';
import { SafeZip } from './zip/open-zip.js';
import type { ZipRecord } from './zip/open-zip.js';
import { corruptZip } from './zip/zip-errors.js';
import { hasElfMagic } from '../elf/read-elf.js';
import { mayBeElf } from '../audit/scan-elf.js';
import { addImplicitFolders } from './entry.js';
import type { LayerEntry, LayerTree } from './entry.js';
import { isUnsafeEntryName } from './link.js';
import { describeZipEntry } from './read-zip.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';

/** Files whose bytes the audit needs besides ELF files: wheel metadata. */
function keepsContent(path: string): boolean {
  return /\.dist-info\/(WHEEL|RECORD)$/.test(path);
}

/** WHEEL and RECORD are read whole as text: a real RECORD is well under a megabyte. */
const METADATA_BYTES = 16 * 1024 * 1024;

/** ELF files extracted at once: inflating runs on libuv's threads, so a few overlap usefully. */
const EXTRACTIONS = 3;

/**
 * Reads a layer zip, streaming: every entry's name, mode and symlink target, and the bytes of
 * only the files the audit reads (ELF files, found by inflating their first bytes, and wheel
 * metadata), extracted to a temporary folder that `cleanup()` removes. The zip is untrusted:
 * see SafeZip for its checks. Extraction never writes more than Lambda's unzipped limit in all;
 * files past it are listed in `unread`, as are encrypted ones and unknown compression methods.
 */
export async function readLayerZip(zipPath: string, signal?: AbortSignal): Promise<LayerTree> {
  const zip = await SafeZip.open(zipPath, { signal });
  const scratch = await mkdtemp(join(tmpdir(), 'layerforge-audit-')).catch(async (error: unknown) => {
    await zip.close();
    throw error;
  });
  const entries = new Map<string, LayerEntry>();
  const kept = new Set<string>();
  const unread: { path: string; reason: string }[] = [];
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  const extracting = new Set<Promise<void>>();
  // Reserved by each extraction before it starts, from its declared size: yauzl then holds it to that size.
  let budget: number = LAMBDA_LIMITS.unzippedBytes;
  try {
    for (const record of zip.entries) {
      throwIfAborted(signal);
      const path = await readEntry(zip, record, entries, unread);
      if (path === undefined) continue;
      if (record.entry.uncompressedSize > budget) {
        unread.push({
          path,
          reason: "not extracted: the layer's files pass Lambda's 250 MB limit before it",
        });
        continue;
      }
      budget -= record.entry.uncompressedSize;
      const job = extract(zip, record, join(scratch, path), signal).then(() => {
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
    throw error;
  } finally {
    await zip.close();
  }
  addImplicitFolders(entries);
  return {
    entries,
    contentPath: (path) => (kept.has(path) ? join(scratch, path) : undefined),
    cleanup,
    unread,
  };
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
