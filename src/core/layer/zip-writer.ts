import archiver from 'archiver';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InterruptedError, JobFailedError, isAbortError, throwIfAborted } from '../errors.js';
import { temporarySibling } from '../fs/atomic.js';
import { bufferCollector } from '../young-generation.js';
import { normaliseMode } from './modes.js';
import { LAYER_ZIP_LEVEL } from './zip-level.js';
import { walkLayerTree } from './tree.js';
import type { LayerTreeEntry } from './tree.js';

/** What a written layer zip is: the numbers the manifest and publish need. */
export interface LayerZipInfo {
  /** SHA-256 of the zip file, hex. */
  sha256: string;
  /** The same digest in base64: what Lambda reports as CodeSha256. */
  codeSha256: string;
  zippedBytes: number;
  /** Sum of the entries' uncompressed sizes (files and symlink targets). */
  unzippedBytes: number;
  /** Files and symlinks; directories are not counted. */
  fileCount: number;
}

export interface WriteLayerZipOptions {
  signal?: AbortSignal;
  /** zlib level 0–9; 0 stores. Default LAYER_ZIP_LEVEL (zip-level.ts). */
  level?: number;
}

/**
 * Every entry's timestamp: the earliest a zip can hold. compress-commons converts it with the
 * UTC getters (forceLocalTime stays false), so the DOS date is 1980-01-01 00:00 in every TZ.
 */
const ZIP_EPOCH = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Entries queued in archiver ahead of the one being compressed: keeps it busy, bounds open files. */
const QUEUE_AHEAD = 16;
/**
 * Files up to this size are read whole and handed to archiver as one buffer, not as a read stream
 * each: the many small files of a Python or Node layer cost per file more than per byte. archiver
 * still deflates every entry through a zlib stream of its own (bench/zip-floor.ts measures what
 * that costs). Memory stays bounded by QUEUE_AHEAD × this, whatever the layer's size.
 */
export const SMALL_FILE_BYTES = 512 * 1024;
/**
 * Larger files are read in 256 KiB chunks: as fast as 1 MiB (on the naive pandas tree, 1.00× in
 * wall time, medians of 8 paired runs), and each chunk is garbage once deflated, so smaller ones
 * kept the process's peak 21 MB lower (zipping the pandas layer: 96 against 117 MB under Node 20).
 * 64 KiB saved 8 MB more but took 2% longer. zlib's output chunk is 64 KiB rather than Node's
 * 16 KiB default (each chunk is a round trip to zlib's worker thread) but not larger: archiver
 * makes a deflate stream, and so a fresh output buffer of this size, for every entry, and at
 * 256 KiB the garbage from thousands of small files cost more than the round trips saved (on the
 * pandas tree, 5,763 files: 12.9 s of CPU instead of 14.9 s, medians of three interleaved runs).
 * The compressed bytes do not depend on the chunk sizes.
 */
const READ_CHUNK_BYTES = 256 * 1024;
export const ZLIB_CHUNK_BYTES = 64 * 1024;

/**
 * Formats that are compressed already: deflating them again costs CPU and saves a byte or two (or
 * adds some), so they are stored, as Info-ZIP's `-n` does. Lowercase, matched case-blind.
 */
const ALREADY_COMPRESSED = new Set([
  '.gz',
  '.tgz',
  '.bz2',
  '.xz',
  '.zst',
  '.lz4',
  '.zip',
  '.whl',
  '.jar',
  '.egg',
  '.7z',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.mp3',
  '.mp4',
  '.ogg',
  '.woff',
  '.woff2',
]);

/** `store: true` for such a file; nothing otherwise, so level 0 (which stores everything) still holds. */
function stored(path: string): { store?: true } {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && ALREADY_COMPRESSED.has(path.slice(dot).toLowerCase())
    ? { store: true }
    : {};
}

/** archiver takes a symlink's target in `linkname` on append; its typings leave it out. */
interface SymlinkEntryData extends archiver.EntryData {
  type: 'symlink';
  linkname: string;
}

/**
 * Writes a staged layer tree as a Lambda layer zip, deterministically: entries in byte order,
 * every date 1980-01-01, modes normalised to world-readable (see normaliseMode), symlinks
 * stored as links and never followed, no extra timestamp fields. The same tree gives the same
 * bytes on any machine, in any timezone, whatever the files' mtimes.
 *
 * Files are streamed and the digest is computed on the way to disk. The zip is written under a
 * temporary sibling name and renamed at the end: on an error, an escaping symlink or an abort,
 * nothing is left at either path.
 */
export async function writeLayerZip(
  stagingDir: string,
  zipPath: string,
  options: WriteLayerZipOptions = {},
): Promise<LayerZipInfo> {
  throwIfAborted(options.signal);
  // Stops the other half when the writer or the feeder fails first.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const tmp = temporarySibling(zipPath);
  const archive = archiver('zip', {
    zlib: { level: options.level ?? LAYER_ZIP_LEVEL, chunkSize: ZLIB_CHUNK_BYTES },
    forceLocalTime: false,
  });
  const hash = createHash('sha256');
  // Every compressed chunk is a buffer outside V8's heap, garbage once written: counted here, the
  // buffers are collected as they pass (bufferCollector), not in bursts tens of MB apart. Zipping
  // the pandas layer in a process of its own peaked at 83-91 MB so, against 95-107 MB, in 1.03x
  // the time (Node 20, medians of 8 pairs). Counting the files read whole as well held it at
  // 81-86 MB, but on the naive pandas tree (5,763 files) the collections that many reads called
  // for took 1.16x the time, against 1.04x counting the output alone (8 and 6 pairs).
  const passed = bufferCollector();
  let zippedBytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      zippedBytes += chunk.length;
      passed(chunk.length);
      callback(null, chunk);
    },
  });
  const output: WriteStream = createWriteStream(tmp, { flags: 'wx' });
  const sources = new Set<Readable>();
  const settle = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  const [written, fed] = await Promise.allSettled([
    settle(pipeline(archive, tap, output, { signal })),
    settle(feedEntries(archive, stagingDir, signal, sources)),
  ]);
  if (written.status === 'rejected' || fed.status === 'rejected') {
    archive.abort();
    for (const source of sources) source.destroy();
    // The temp file may still be opening: remove it only once the stream has let go of it.
    if (!output.closed) await new Promise<void>((resolve) => output.once('close', () => resolve()).destroy());
    await rm(tmp, { force: true });
    if (options.signal?.aborted) throw new InterruptedError();
    throw rootCause([fed, written]);
  }
  try {
    await rename(tmp, zipPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  const digest = hash.digest();
  return {
    sha256: digest.toString('hex'),
    codeSha256: digest.toString('base64'),
    zippedBytes,
    unzippedBytes: fed.value.unzippedBytes,
    fileCount: fed.value.fileCount,
  };
}

/** The error that started the failure, not the AbortError it caused in the other half. */
function rootCause(results: PromiseSettledResult<unknown>[]): unknown {
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return reasons.find((reason) => !isAbortError(reason)) ?? reasons[0];
}

async function feedEntries(
  archive: archiver.Archiver,
  root: string,
  signal: AbortSignal,
  sources: Set<Readable>,
): Promise<{ unzippedBytes: number; fileCount: number }> {
  let queued = 0;
  let done = 0;
  archive.on('entry', () => {
    done += 1;
  });
  let unzippedBytes = 0;
  let fileCount = 0;
  for await (const entry of walkLayerTree(root, { signal })) {
    while (queued - done >= QUEUE_AHEAD) await once(archive, 'entry', { signal });
    throwIfAborted(signal);
    const data =
      entry.type === 'file' && entry.size <= SMALL_FILE_BYTES
        ? await readFile(entry.absolutePath, { signal })
        : undefined;
    append(archive, entry, sources, data);
    queued += 1;
    if (entry.type !== 'dir') {
      unzippedBytes += entry.size;
      fileCount += 1;
    }
  }
  const finalized = archive.finalize();
  // If the writer fails now, archiver never ends: the pipeline reports that error, so stop waiting.
  finalized.catch(() => undefined);
  await Promise.race([finalized, aborted(signal)]);
  return { unzippedBytes, fileCount };
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new InterruptedError());
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function append(
  archive: archiver.Archiver,
  entry: LayerTreeEntry,
  sources: Set<Readable>,
  data?: Buffer,
): void {
  assertStorableName(entry.path);
  const mode = normaliseMode(entry.type, entry.mode);
  if (entry.type === 'dir') {
    archive.append(Buffer.alloc(0), { name: `${entry.path}/`, date: ZIP_EPOCH, mode });
  } else if (entry.type === 'symlink') {
    // archive.symlink() would stamp the link with the current time: append it with our date.
    const link: SymlinkEntryData = {
      name: entry.path,
      type: 'symlink',
      linkname: entry.linkTarget ?? '',
      date: ZIP_EPOCH,
      mode,
    };
    archive.append(Buffer.alloc(0), link);
  } else if (data !== undefined) {
    archive.append(data, { name: entry.path, date: ZIP_EPOCH, mode, ...stored(entry.path) });
  } else {
    const source = createReadStream(entry.absolutePath, { highWaterMark: READ_CHUNK_BYTES });
    sources.add(source);
    source.once('close', () => sources.delete(source));
    archive.append(source, {
      name: entry.path,
      date: ZIP_EPOCH,
      mode,
      ...stored(entry.path),
    });
  }
}

/**
 * archiver rewrites names with a backslash (as a separator) or a `word:` prefix (as a drive
 * letter); such a file would land at a different path, so it is refused instead.
 */
function assertStorableName(path: string): void {
  if (path.includes('\\') || /^\w+:/.test(path)) {
    throw new JobFailedError(
      `cannot store ${path} in a zip: backslashes and a leading "name:" are read as Windows paths`,
      {
        hint: "rename the file in the recipe's build script",
      },
    );
  }
}
