import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, PN_XNUM } from './constants.js';
import { ElfFormatError, PositionedReader } from './positioned-reader.js';

/** Field access for one ELF class and byte order. */
export interface Fields {
  bits: 32 | 64;
  little: boolean;
  u16(buf: Buffer, at: number): number;
  u32(buf: Buffer, at: number): number;
  /** An address/offset/size field: 4 bytes in ELF32, 8 in ELF64. */
  word(buf: Buffer, at: number): number;
}

function fieldsFor(bits: 32 | 64, little: boolean): Fields {
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const u64 = (b: Buffer, at: number) => {
    const value = little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
    // Offsets past 2^53 cannot be in a real file: map them to a value every bounds check rejects.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  };
  return { bits, little, u16, u32, word: bits === 64 ? u64 : u32 };
}

/** One program header: a segment the kernel or the loader acts on. */
export interface ElfSegment {
  /** p_type: PT_LOAD, PT_DYNAMIC, PT_INTERP, ... */
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

/** The ELF header and program headers: what the audit, strip and the emulator check each read first. */
export interface ElfHeader {
  fields: Fields;
  /** e_type: ET_EXEC, ET_DYN, ... */
  type: number;
  /** e_machine: EM_X86_64, EM_AARCH64, ... */
  machine: number;
  segments: ElfSegment[];
  /** Where the section header table is, for readers that need sections. */
  sections: { offset: number; entsize: number; count: number };
}

/** True when the buffer starts with the ELF magic `\x7fELF`. */
export function hasElfMagic(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Reads the first four bytes of an open file: is it ELF at all? */
async function startsWithElfMagic(handle: FileHandle, size: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(4, size));
  await handle.read(head, 0, head.length, 0);
  return hasElfMagic(head);
}

/** Parses the ELF header and program header table through `reader`, which starts with the magic. */
export async function parseElfHeader(reader: PositionedReader): Promise<ElfHeader> {
  const ident = await reader.read(0, 16);
  const klass = ident[4];
  const data = ident[5];
  if (klass !== ELFCLASS32 && klass !== ELFCLASS64) throw new ElfFormatError(`unknown ELF class ${klass}`);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB)
    throw new ElfFormatError(`unknown ELF byte order ${data}`);
  const f = fieldsFor(klass === ELFCLASS64 ? 64 : 32, data === ELFDATA2LSB);
  const is64 = f.bits === 64;
  const h = await reader.read(0, is64 ? 64 : 52);

  const phoff = f.word(h, is64 ? 32 : 28);
  const shoff = f.word(h, is64 ? 40 : 32);
  const phentsize = f.u16(h, is64 ? 54 : 42);
  let phnum = f.u16(h, is64 ? 56 : 44);
  const shentsize = f.u16(h, is64 ? 58 : 46);
  let shnum = f.u16(h, is64 ? 60 : 48);

  // Extended numbering: the real counts live in section header 0.
  if ((phnum === PN_XNUM || (shnum === 0 && shoff !== 0)) && shoff !== 0 && shentsize >= (is64 ? 64 : 40)) {
    const s0 = await reader.read(shoff, shentsize);
    if (phnum === PN_XNUM) phnum = f.u32(s0, is64 ? 44 : 28);
    if (shnum === 0) shnum = f.word(s0, is64 ? 32 : 20);
  }

  const segments: ElfSegment[] = [];
  if (phoff !== 0 && phnum > 0) {
    if (phentsize < (is64 ? 56 : 32))
      throw new ElfFormatError(`program header entries of ${phentsize} bytes`);
    const table = await reader.read(phoff, phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      segments.push({
        type: f.u32(table, at),
        offset: f.word(table, at + (is64 ? 8 : 4)),
        vaddr: f.word(table, at + (is64 ? 16 : 8)),
        filesz: f.word(table, at + (is64 ? 32 : 16)),
      });
    }
  }
  return {
    fields: f,
    type: f.u16(h, 16),
    machine: f.u16(h, 18),
    segments,
    sections: { offset: shoff, entsize: shentsize, count: shnum },
  };
}

/**
 * Opens `path` and hands a positioned reader to `parse` when the file starts with the ELF
 * magic; undefined when it does not.
 */
export async function readElfFile<T>(
  path: string,
  parse: (reader: PositionedReader) => Promise<T>,
): Promise<T | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (!(await startsWithElfMagic(handle, size))) return undefined;
    return await parse(PositionedReader.ofFile(handle, size));
  } finally {
    await handle.close();
  }
}

/**
 * Reads only an ELF file's headers. Undefined for a file that is not ELF, and for one that
 * starts like ELF but whose headers are damaged: callers that only ask "which machine, which
 * kind" treat both as not a program they can use.
 */
export async function readElfHeader(path: string): Promise<ElfHeader | undefined> {
  try {
    return await readElfFile(path, parseElfHeader);
  } catch (error) {
    if (error instanceof ElfFormatError || error instanceof RangeError) return undefined;
    throw error;
  }
}
