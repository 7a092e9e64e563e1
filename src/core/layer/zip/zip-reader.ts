import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** The end of the zip (central directory and its end record) kept in memory, at most this much. */
const TAIL_BYTES = 8 * 1024 * 1024;
/** Large reads when a whole entry is streamed: yauzl's default file reader reads 16 KiB at a time. */
const STREAM_CHUNK = 1024 * 1024;

/**
 * A random-access reader for yauzl that serves the central directory from one read of the
 * zip's tail (yauzl otherwise makes several small reads per entry) and streams entry data in
 * 1 MiB chunks. Memory stays bounded: the tail is at most 8 MiB whatever the zip's size.
 */
export class ZipFileReader extends yauzl.RandomAccessReader {
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
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, position);
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
