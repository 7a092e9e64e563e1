import yauzl from 'yauzl';
import type { Entry } from 'yauzl';
import type { ZipLimits, ZipRecord } from './open-zip.js';
import { corruptZip, unsafeZip } from './zip-errors.js';
import type { ZipFileReader } from './zip-reader.js';

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR_FLAG = 0x8;

/** The entry's name as stored (CP437 or UTF-8), backslashes turned to slashes, not validated. */
export function nameOf(entry: Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** Refuses declared sizes past the caps, or past what the entry's deflated bytes could inflate to. */
export function checkDeclaredSizes(zipPath: string, entry: Entry, limits: ZipLimits): void {
  const name = nameOf(entry);
  if (entry.uncompressedSize > limits.entryDeclaredBytes) {
    throw unsafeZip(
      zipPath,
      `${name} declares ${entry.uncompressedSize} bytes, more than the ${limits.entryDeclaredBytes} allowed for one entry`,
    );
  }
  // 64 bytes of slack cover deflate's block headers on tiny entries.
  if (
    entry.compressionMethod === 8 &&
    !entry.isEncrypted() &&
    entry.uncompressedSize > entry.compressedSize * limits.deflateRatio + 64
  ) {
    throw corruptZip(
      zipPath,
      `${name} declares ${entry.uncompressedSize} bytes, more than its ${entry.compressedSize} deflated bytes can hold`,
    );
  }
}

/**
 * The local header must agree with the central directory: a zip whose two copies of an entry
 * differ unpacks differently in different tools, which is how malicious zips hide content.
 */
export async function checkLocalHeader(
  zipPath: string,
  reader: ZipFileReader,
  entry: Entry,
): Promise<ZipRecord> {
  const name = nameOf(entry);
  const offset = entry.relativeOffsetOfLocalHeader;
  const header = await reader.readAt(offset, 30 + entry.fileNameRaw.length);
  const mismatch = (what: string) =>
    corruptZip(zipPath, `the local header of ${name} does not match the central directory (${what})`);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) {
    throw corruptZip(zipPath, `no local header for ${name} at offset ${offset}`);
  }
  const flags = header.readUInt16LE(6);
  const nameLength = header.readUInt16LE(26);
  if (nameLength !== entry.fileNameRaw.length || !header.subarray(30).equals(entry.fileNameRaw)) {
    throw mismatch('name');
  }
  if (header.readUInt16LE(8) !== entry.compressionMethod) throw mismatch('compression method');
  // With a data descriptor the local header leaves CRC and sizes at 0; 0xffffffff defers to zip64.
  if ((flags & DATA_DESCRIPTOR_FLAG) === 0) {
    if (header.readUInt32LE(14) !== entry.crc32) throw mismatch('CRC-32');
    const compressed = header.readUInt32LE(18);
    const uncompressed = header.readUInt32LE(22);
    if (compressed !== 0xffffffff && compressed !== entry.compressedSize) throw mismatch('compressed size');
    if (uncompressed !== 0xffffffff && uncompressed !== entry.uncompressedSize) throw mismatch('size');
  }
  const dataStart = offset + 30 + nameLength + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > reader.size) {
    throw corruptZip(zipPath, `the data of ${name} runs past the end of the file`);
  }
  return { name, entry, dataStart };
}

/**
 * Two entries whose local records share bytes are the classic zip bomb (one deflate stream
 * counted many times): well-formed zips lay their entries end to end.
 */
export function checkOverlaps(zipPath: string, records: readonly ZipRecord[]): void {
  const sorted = [...records].sort(
    (a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader,
  );
  let previous: ZipRecord | undefined;
  for (const record of sorted) {
    if (
      previous &&
      record.entry.relativeOffsetOfLocalHeader < previous.dataStart + previous.entry.compressedSize
    ) {
      throw unsafeZip(zipPath, `entries ${previous.name} and ${record.name} overlap in the file`);
    }
    previous = record;
  }
}
