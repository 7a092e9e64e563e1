import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { UserError, isAbortError, throwIfAborted } from '../../errors.js';
import { checkDeclaredSizes, checkLocalHeader, checkOverlaps } from './zip-checks.js';
import { corruptZip, isSystemError, unsafeZip } from './zip-errors.js';
import { ZipFileReader } from './zip-reader.js';

const GIB = 1024 ** 3;

/**
 * What layerforge accepts from any zip. Lambda's own limit (250 MB unzipped) is far below the
 * declared-size caps on purpose: a layer over it is still inspected and reported as too large;
 * only sizes no layer could honestly have are refused outright.
 */
export const ZIP_LIMITS = {
  entries: 100_000,
  /** The central directory is held in memory: 100,000 entries with long paths need about 25 MiB. */
  directoryBytes: 64 * 1024 * 1024,
  entryDeclaredBytes: 8 * GIB,
  totalDeclaredBytes: 64 * GIB,
  /** A symlink's body is its target: PATH_MAX is 4096 on Linux. */
  linkBytes: 4096,
  /** Deflate's best case is 1032:1 (a run of one byte); a larger claim is a lie. */
  deflateRatio: 1032,
} as const;
export type ZipLimits = { readonly [K in keyof typeof ZIP_LIMITS]: number };

/** One central directory entry, checked against its local header. */
export interface ZipRecord {
  /** The stored name, decoded but not validated: `../x` and `/x` are kept for the caller to flag. */
  name: string;
  entry: Entry;
  /** Offset of the entry's data in the file, right after its local header. */
  dataStart: number;
}

const inflateRawAsync = promisify(inflateRaw);

/** The zip compression methods a layer may use (APPNOTE 4.4.5). */
const STORED = 0;
const DEFLATED = 8;

/** How many local headers are read at once: enough to overlap reads, bounded for 100,000 entries. */
const HEADER_BATCH = 64;

/**
 * A zip opened as untrusted input. The whole central directory is read and checked up front
 * (entry count, declared sizes, each local header, overlapping entries), so no consumer starts
 * work on a zip that turns out to be hostile half-way. Entry bytes are then streamed with the
 * inflated byte count and CRC checked as they pass. Every failure is a UserError (exit 2).
 */
export class SafeZip {
  private constructor(
    readonly path: string,
    readonly entries: readonly ZipRecord[],
    /** Sum of the declared uncompressed sizes: what Lambda counts against its limit. */
    readonly declaredBytes: number,
    private readonly limits: ZipLimits,
    private readonly zip: ZipFile,
    private readonly reader: ZipFileReader,
    private readonly handle: FileHandle,
  ) {}

  /** Opens and checks a zip; a missing file, a folder, a broken or hostile zip throw UserError. */
  static async open(
    zipPath: string,
    options: { signal?: AbortSignal; limits?: Partial<ZipLimits> } = {},
  ): Promise<SafeZip> {
    const limits: ZipLimits = { ...ZIP_LIMITS, ...options.limits };
    const handle = await openFile(zipPath);
    let zip: ZipFile | undefined;
    try {
      const stats = await handle.stat();
      const reader = await ZipFileReader.open(zipPath, handle, stats.size);
      try {
        zip = await yauzl.fromRandomAccessReaderPromise(reader, stats.size, {
          lazyEntries: true,
          decodeStrings: false,
          validateEntrySizes: true,
          autoClose: false,
        });
      } catch (cause) {
        throw corruptZip(zipPath, messageOf(cause), cause);
      }
      if (zip.entryCount > limits.entries) {
        throw unsafeZip(zipPath, `${zip.entryCount} entries, more than the ${limits.entries} allowed`);
      }
      const { records, declaredBytes } = await readDirectory(zipPath, zip, reader, limits, options.signal);
      checkOverlaps(zipPath, records);
      return new SafeZip(zipPath, records, declaredBytes, limits, zip, reader, handle);
    } catch (error) {
      zip?.close();
      await handle.close();
      throw error;
    }
  }

  /** The first bytes of an entry's stored (possibly compressed) data, read raw. */
  readRaw(record: ZipRecord, length: number): Promise<Buffer> {
    return this.reader.readAt(record.dataStart, Math.min(length, record.entry.compressedSize));
  }

  /** A symlink's target: its body, refused when it is longer than a path can be. */
  async readLink(record: ZipRecord): Promise<string> {
    const max = this.limits.linkBytes;
    if (record.entry.uncompressedSize > max) {
      throw unsafeZip(
        this.path,
        `symlink ${record.name} has a ${record.entry.uncompressedSize}-byte target; a link target is at most ${max} bytes`,
      );
    }
    const chunks: Buffer[] = [];
    await this.pipeEntry(record, collect(chunks), { maxBytes: max });
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * Streams an entry's inflated bytes into `destination`, stopping with UserError as soon as
   * more than `maxBytes` (or more than the entry declares) come out, and checking its CRC-32.
   * Returns the bytes written.
   */
  async pipeEntry(
    record: ZipRecord,
    destination: Writable,
    options: { maxBytes?: number; signal?: AbortSignal } = {},
  ): Promise<number> {
    const { entry } = record;
    this.assertReadable(record);
    const check = new CheckedBytes(this.path, record, options.maxBytes ?? entry.uncompressedSize);
    try {
      const source = await this.zip.openReadStreamPromise(entry);
      await pipeline(source, check, destination, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      if (error instanceof UserError || isAbortError(error) || isSystemError(error)) throw error;
      throw corruptZip(this.path, `${record.name}: ${messageOf(error)}`, error);
    }
    return check.bytes;
  }

  /**
   * An entry's whole inflated bytes in one buffer, checked like `pipeEntry` (no more than it
   * declares, its CRC-32), for callers that parse it in memory instead of writing it out. The
   * raw bytes are read at once and inflated on libuv's threads, so several entries inflate in
   * parallel; the caller bounds how many bytes it holds at a time.
   */
  async inflateEntry(record: ZipRecord, signal?: AbortSignal): Promise<Buffer> {
    const { entry } = record;
    this.assertReadable(record);
    const raw = await this.reader.readAt(record.dataStart, entry.compressedSize);
    if (raw.length !== entry.compressedSize) {
      throw corruptZip(this.path, `the data of ${record.name} runs past the end of the file`);
    }
    throwIfAborted(signal);
    let bytes: Buffer;
    if (entry.compressionMethod === STORED) bytes = raw;
    else bytes = await this.inflate(record, raw);
    throwIfAborted(signal);
    if (bytes.length !== entry.uncompressedSize) {
      throw corruptZip(
        this.path,
        `${record.name} inflates to ${bytes.length} bytes, not the ${entry.uncompressedSize} it declares`,
      );
    }
    if (crc32(bytes) !== entry.crc32) throw corruptZip(this.path, `${record.name} fails its CRC-32 check`);
    return bytes;
  }

  /** Only stored and deflated entries without encryption are read: a layer holds no others. */
  private assertReadable({ name, entry }: ZipRecord): void {
    if (entry.isEncrypted()) throw corruptZip(this.path, `${name} is encrypted`);
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      throw corruptZip(this.path, `${name} uses compression method ${entry.compressionMethod}`);
    }
  }

  private async inflate(record: ZipRecord, raw: Buffer): Promise<Buffer> {
    const size = record.entry.uncompressedSize;
    try {
      // One byte over the declared size is enough to tell a lie. One output chunk of that size,
      // not zlib's 16 KiB: each chunk costs a callback on the main thread, and several a copy.
      return await inflateRawAsync(raw, { maxOutputLength: size + 1, chunkSize: Math.max(size + 1, 64) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw corruptZip(this.path, `${record.name}: inflates to more than the ${size} bytes it declares`);
      }
      throw corruptZip(this.path, `${record.name}: ${messageOf(error)}`, error);
    }
  }

  async close(): Promise<void> {
    this.zip.close();
    await this.handle.close();
  }
}

/** Only a regular file is opened: a FIFO would block the open, a device (/dev/zero) never ends. */
async function openFile(zipPath: string): Promise<FileHandle> {
  let stats: Stats;
  try {
    stats = await stat(zipPath);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`no such file: ${zipPath}`, {
        cause,
        hint: 'give the path of a layer zip, e.g. dist/<recipe>.zip',
      });
    }
    throw cause;
  }
  if (stats.isDirectory()) throw notAFile(zipPath);
  if (!stats.isFile()) {
    throw new UserError(`${zipPath} is not a regular file`, { hint: 'give the path of a layer zip file' });
  }
  return open(zipPath, 'r');
}

function notAFile(zipPath: string): UserError {
  return new UserError(`${zipPath} is a directory, not a zip`, { hint: 'give the path of a layer zip file' });
}

async function readDirectory(
  zipPath: string,
  zip: ZipFile,
  reader: ZipFileReader,
  limits: ZipLimits,
  signal: AbortSignal | undefined,
): Promise<{ records: ZipRecord[]; declaredBytes: number }> {
  const entries: Entry[] = [];
  let declaredBytes = 0;
  let directoryBytes = 0;
  for (;;) {
    throwIfAborted(signal);
    const entry = await nextEntry(zipPath, zip);
    if (entry === undefined) break;
    directoryBytes +=
      46 + entry.fileNameRaw.length + entry.extraFieldRaw.length + entry.fileCommentRaw.length;
    if (directoryBytes > limits.directoryBytes) {
      throw unsafeZip(zipPath, `its central directory is over ${limits.directoryBytes} bytes`);
    }
    checkDeclaredSizes(zipPath, entry, limits);
    declaredBytes += entry.uncompressedSize;
    if (declaredBytes > limits.totalDeclaredBytes) {
      throw unsafeZip(zipPath, `its entries declare more than ${limits.totalDeclaredBytes} bytes in all`);
    }
    entries.push(entry);
  }
  const records: ZipRecord[] = [];
  for (let start = 0; start < entries.length; start += HEADER_BATCH) {
    throwIfAborted(signal);
    const batch = entries.slice(start, start + HEADER_BATCH);
    records.push(...(await Promise.all(batch.map((entry) => checkLocalHeader(zipPath, reader, entry)))));
  }
  return { records, declaredBytes };
}

function nextEntry(zipPath: string, zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry) => finish(() => resolve(entry));
    const onEnd = () => finish(() => resolve(undefined));
    const onError = (error: unknown) => finish(() => reject(corruptZip(zipPath, messageOf(error), error)));
    const finish = (then: () => void) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      then();
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/** Counts inflated bytes and their CRC-32 as they pass, failing past the cap or on a bad CRC. */
class CheckedBytes extends Transform {
  bytes = 0;
  private crc = 0;

  constructor(
    private readonly zipPath: string,
    private readonly record: ZipRecord,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(unsafeZip(this.zipPath, `${this.record.name} inflates past ${this.maxBytes} bytes`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.crc !== this.record.entry.crc32) {
      callback(corruptZip(this.zipPath, `${this.record.name} fails its CRC-32 check`));
      return;
    }
    callback();
  }
}

function collect(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
