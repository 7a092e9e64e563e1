import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** The end of the zip (central directory and its end record) kept in memory, at most this much. */
const TAIL_BYTES = 8 * 1024 * 1024;
/** Large reads when a whole entry is streamed: yauzl's default file reader reads 16 KiB at a time. */
const STREAM_CHUNK = 1024 * 1024;

/** Reads at most this long are served from a window of the file rather than read alone. */
const SMALL_READ = 64 * 1024;
const WINDOW_BYTES = 1024 * 1024;
/** Windows kept: enough for a batch of headers read at once to share them, 4 MiB at most. */
const WINDOWS_KEPT = 4;

/**
 * A random-access reader for yauzl that serves the central directory from one read of the
 * zip's tail (yauzl otherwise makes several small reads per entry) and streams entry data in
 * 1 MiB chunks. Memory stays bounded: the tail is at most 8 MiB whatever the zip's size, and
 * the windows that serve small reads 4 MiB.
 */
export class ZipFileReader extends yauzl.RandomAccessReader {
  /** Windows by index, least recently used first (a Map keeps insertion order). */
  private readonly windows = new Map<number, Promise<Buffer>>();

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly tail: Buffer,
    private readonly tailStart: number,
    /** The zip's size in bytes. */
    readonly size: number,
  ) {
    super();
  }

  static async open(path: string, handle: FileHandle, size: number): Promise<ZipFileReader> {
    const tailStart = Math.max(0, size - TAIL_BYTES);
    const tail = Buffer.alloc(size - tailStart);
    await handle.read(tail, 0, tail.length, tailStart);
    return new ZipFileReader(path, handle, tail, tailStart, size);
  }

  /** Reads `length` bytes at `position` into a new buffer (fewer at the end of the file). */
  async readAt(position: number, length: number): Promise<Buffer> {
    if (position >= this.tailStart) {
      return Buffer.from(this.tail.subarray(position - this.tailStart, position - this.tailStart + length));
    }
    const index = Math.floor(position / WINDOW_BYTES);
    const start = position - index * WINDOW_BYTES;
    if (length <= SMALL_READ && start + length <= WINDOW_BYTES) {
      const window = await this.window(index);
      return Buffer.from(window.subarray(start, start + length));
    }
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }

  /**
   * One aligned window of the file, read once while it is among the last few used. Local
   * headers and the first bytes of entries are read in file order, a few dozen bytes each:
   * thousands of them come from a few dozen reads.
   */
  private window(index: number): Promise<Buffer> {
    let window = this.windows.get(index);
    if (window) {
      this.windows.delete(index);
    } else {
      window = this.readWindow(index);
      if (this.windows.size >= WINDOWS_KEPT) this.windows.delete(this.windows.keys().next().value as number);
    }
    this.windows.set(index, window);
    return window;
  }

  private async readWindow(index: number): Promise<Buffer> {
    const start = index * WINDOW_BYTES;
    const buffer = Buffer.allocUnsafe(Math.min(WINDOW_BYTES, this.size - start));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    this.readAt(position, length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null, bytes.length);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream(this.path, { start, end: end - 1, highWaterMark: STREAM_CHUNK });
  }

  override close(callback: (err: Error | null) => void): void {
    // The handle belongs to the caller, who closes it when done with every stream.
    setImmediate(() => callback(null));
  }
}
