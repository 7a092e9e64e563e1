// Zips written byte by byte, so a test can make every lie a hostile zip tells: sizes, names and
// methods that differ between the local header and the central directory, entries that share
// bytes, bodies far larger than they claim. Large inflated contents stay tiny on disk: a deflate
// block of 1 MiB of zeros, ended by a full flush, can be repeated as many times as wanted.
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** The bytes stored in the file: already deflated when `method` is 8. */
  stored: Buffer;
  method: number;
  crc: number;
  /** The uncompressed size the zip declares (true or not). */
  size: number;
  /** st_mode with its type bits, stored as unix external attributes. */
  mode?: number;
  /** General purpose flags: bit 0 marks the entry encrypted. */
  flags?: number;
  /** Fields of the local header only, to make it disagree with the central directory. */
  local?: { name?: string; method?: number; crc?: number; size?: number };
  /** Point this central entry at the local record of entry `n` instead of writing its own. */
  sharesLocalOf?: number;
}

const MIB = 1024 * 1024;
const ZERO_MIB = Buffer.alloc(MIB);
/** 1 MiB of zeros deflated, not final and byte-aligned: safe to repeat back to back. */
const ZERO_BLOCK = deflateRawSync(ZERO_MIB, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
/** An empty final block: ends a raw deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** An entry holding `content` deflated, honest in every field. */
export function deflatedEntry(name: string, content: Buffer | string, mode = 0o100644): RawEntry {
  const bytes = Buffer.from(content);
  return { name, stored: deflateRawSync(bytes), method: 8, crc: crc32(bytes), size: bytes.length, mode };
}

/** An entry of `head` followed by `mib` MiB of zeros, deflated, with its true CRC and size. */
export function zerosEntry(
  name: string,
  mib: number,
  options: { head?: Buffer; mode?: number } = {},
): RawEntry {
  const head = options.head ?? Buffer.alloc(0);
  let crc = crc32(head);
  for (let i = 0; i < mib; i++) crc = crc32(ZERO_MIB, crc);
  const headBlock = deflateRawSync(head, { finishFlush: constants.Z_FULL_FLUSH });
  const stored = Buffer.concat([headBlock, ...Array.from({ length: mib }, () => ZERO_BLOCK), FINAL_BLOCK]);
  return { name, stored, method: 8, crc, size: head.length + mib * MIB, mode: options.mode ?? 0o100644 };
}

/** The first bytes of a 64-bit little-endian x86-64 shared object: enough to look like ELF. */
export const ELF_HEAD = Buffer.from([
  0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x00, 0x3e, 0x00,
]);

/** Writes the zip: local records in order, then the central directory and its end record. */
export function craftZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  entries.forEach((entry, index) => {
    const shared = entry.sharesLocalOf;
    if (shared !== undefined) {
      offsets[index] = offsets[shared] ?? 0;
      return;
    }
    const name = Buffer.from(entry.local?.name ?? entry.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(entry.flags ?? 0x800, 6);
    header.writeUInt16LE(entry.local?.method ?? entry.method, 8);
    header.writeUInt32LE((entry.local?.crc ?? entry.crc) >>> 0, 14);
    header.writeUInt32LE(entry.stored.length, 18);
    header.writeUInt32LE(entry.local?.size ?? entry.size, 22);
    header.writeUInt16LE(name.length, 26);
    offsets[index] = offset;
    parts.push(header, name, entry.stored);
    offset += header.length + name.length + entry.stored.length;
  });
  const directoryStart = offset;
  entries.forEach((entry, index) => {
    const name = Buffer.from(entry.name);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(entry.flags ?? 0x800, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.stored.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    header.writeUInt32LE(offsets[index] ?? 0, 42);
    parts.push(header, name);
    offset += header.length + name.length;
  });
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - directoryStart, 12);
  end.writeUInt32LE(directoryStart, 16);
  parts.push(end);
  return Buffer.concat(parts);
}
