import type { FileHandle } from 'node:fs/promises';

/** Thrown when a file claims to be ELF but its structures point outside it or loop. */
export class ElfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfFormatError';
  }
}

const BLOCK = 16 * 1024;
/** A file's headers, dynamic section and string tables touch a handful of blocks; cap it anyway. */
const MAX_BLOCKS = 256;

/** Reads `length` bytes at `start`, all of them or fewer at the end. */
type ReadBlock = (start: number, length: number) => Promise<Buffer>;

/**
 * Positioned reads over one file, open or already in memory, served from a small cache of
 * 16 KiB blocks. Memory stays bounded whatever the file's size: a 100 MB library costs a few
 * blocks. The block cap holds for bytes in memory too: it is what stops looping structures.
 */
export class PositionedReader {
  private readonly blocks = new Map<number, Buffer>();

  private constructor(
    private readonly readBlock: ReadBlock,
    readonly size: number,
  ) {}

  static ofFile(handle: FileHandle, size: number): PositionedReader {
    return new PositionedReader(async (start, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      return buffer.subarray(0, bytesRead);
    }, size);
  }

  /** Over a whole file's bytes (an entry inflated from a zip): blocks are views, not copies. */
  static ofBytes(bytes: Buffer): PositionedReader {
    return new PositionedReader(
      (start, length) => Promise.resolve(bytes.subarray(start, start + length)),
      bytes.length,
    );
  }

  /** Exactly `length` bytes at `offset`, or an ElfFormatError when they lie past the end. */
  async read(offset: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new ElfFormatError(`truncated: wanted ${length} bytes at offset ${offset} of ${this.size}`);
    }
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / BLOCK);
    if (first === last) {
      const block = await this.block(first);
      const start = offset - first * BLOCK;
      return block.subarray(start, start + length);
    }
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) parts.push(await this.block(i));
    const joined = Buffer.concat(parts);
    const start = offset - first * BLOCK;
    return joined.subarray(start, start + length);
  }

  /** A NUL-terminated string starting at `offset`, at most `limit` bytes long. */
  async cString(offset: number, limit: number): Promise<string> {
    const end = Math.min(this.size, offset + limit);
    let cursor = offset;
    const chunks: Buffer[] = [];
    while (cursor < end) {
      const take = Math.min(end - cursor, BLOCK - (cursor % BLOCK));
      const chunk = await this.read(cursor, take);
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        chunks.push(chunk.subarray(0, nul));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(chunk);
      cursor += take;
    }
    throw new ElfFormatError(`unterminated string at offset ${offset}`);
  }

  private async block(index: number): Promise<Buffer> {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    if (this.blocks.size >= MAX_BLOCKS)
      throw new ElfFormatError('too many reads: structures scattered or looping');
    const start = index * BLOCK;
    const length = Math.min(BLOCK, this.size - start);
    const buffer = await this.readBlock(start, length);
    if (buffer.length !== length) throw new ElfFormatError(`short read at offset ${start}`);
    this.blocks.set(index, buffer);
    return buffer;
  }
}
