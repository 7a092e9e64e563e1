import { open } from 'node:fs/promises';
import {
  DF_1_PIE,
  DT_FLAGS_1,
  DT_NEEDED,
  DT_NULL,
  DT_RPATH,
  DT_RUNPATH,
  DT_SONAME,
  DT_STRSZ,
  DT_STRTAB,
  DT_VERDEF,
  DT_VERDEFNUM,
  DT_VERNEED,
  DT_VERNEEDNUM,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  PN_XNUM,
  PT_DYNAMIC,
  PT_INTERP,
  PT_LOAD,
  SHT_DYNAMIC,
} from './constants.js';
import { ElfFormatError, PositionedReader } from './positioned-reader.js';
import { readVersionDefs, readVersionNeeds } from './versions.js';
import type { ElfVersionNeed } from './versions.js';

export type { ElfVersionNeed } from './versions.js';
export { ElfFormatError } from './positioned-reader.js';

/** What the audit needs from one ELF file: its identity and what the dynamic loader will ask for. */
export interface ElfInfo {
  bits: 32 | 64;
  endian: 'little' | 'big';
  /** e_type: ET_EXEC, ET_DYN, ... */
  type: number;
  /** e_machine: EM_X86_64, EM_AARCH64, ... */
  machine: number;
  /** PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; absent for shared libraries and static binaries. */
  interpreter: string | undefined;
  /** DT_FLAGS_1 has DF_1_PIE: a position-independent executable. */
  pie: boolean;
  needed: string[];
  soname: string | undefined;
  /** Each DT_RPATH / DT_RUNPATH string as stored (colon-separated, `$ORIGIN` unexpanded). */
  rpath: string[];
  runpath: string[];
  /** `.gnu.version_r`: per needed file, the version names it must define (GLIBC_2.34, ...). */
  versionNeeds: ElfVersionNeed[];
  /** `.gnu.version_d`: the version names this file defines, without the BASE entry (its own name). */
  versionDefs: string[];
}

const HEADER_BYTES = 64;
const MAX_DYNAMIC_BYTES = 256 * 1024;
const MAX_STRING = 4096;

/** True when the buffer starts with the ELF magic `\x7fELF`. */
export function hasElfMagic(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/**
 * Reads an ELF file's headers with positioned reads (never the whole file). Returns undefined
 * when the file is not ELF at all; throws ElfFormatError when it is ELF but damaged.
 */
export async function readElf(path: string): Promise<ElfInfo | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(HEADER_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    if (!hasElfMagic(head)) return undefined;
    return await parseElf(new PositionedReader(handle, size));
  } finally {
    await handle.close();
  }
}

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

interface Region {
  addr: number;
  offset: number;
  size: number;
}

/** Parses an ELF file through `reader`, which must start with the ELF magic. */
export async function parseElf(reader: PositionedReader): Promise<ElfInfo> {
  const ident = await reader.read(0, 16);
  const klass = ident[4];
  const data = ident[5];
  if (klass !== ELFCLASS32 && klass !== ELFCLASS64) throw new ElfFormatError(`unknown ELF class ${klass}`);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB)
    throw new ElfFormatError(`unknown ELF byte order ${data}`);
  const f = fieldsFor(klass === ELFCLASS64 ? 64 : 32, data === ELFDATA2LSB);
  const is64 = f.bits === 64;
  const h = await reader.read(0, is64 ? 64 : 52);

  const type = f.u16(h, 16);
  const machine = f.u16(h, 18);
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

  const loads: Region[] = [];
  let dynamic: { offset: number; size: number } | undefined;
  let interpreter: string | undefined;
  if (phoff !== 0 && phnum > 0) {
    if (phentsize < (is64 ? 56 : 32))
      throw new ElfFormatError(`program header entries of ${phentsize} bytes`);
    const table = await reader.read(phoff, phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      const pType = f.u32(table, at);
      const offset = f.word(table, at + (is64 ? 8 : 4));
      const vaddr = f.word(table, at + (is64 ? 16 : 8));
      const filesz = f.word(table, at + (is64 ? 32 : 16));
      if (pType === PT_LOAD) loads.push({ addr: vaddr, offset, size: filesz });
      else if (pType === PT_DYNAMIC) dynamic = { offset, size: filesz };
      else if (pType === PT_INTERP && filesz > 0)
        interpreter = await reader.cString(offset, Math.min(filesz, MAX_STRING));
    }
  }

  // Without PT_DYNAMIC (unusual, or program headers stripped), fall back to the section headers.
  let regions = loads;
  if (!dynamic && shoff !== 0 && shnum > 0 && shentsize >= (is64 ? 64 : 40)) {
    const sections = await reader.read(shoff, shnum * shentsize);
    const mapped: Region[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = i * shentsize;
      const shType = f.u32(sections, at + 4);
      const addr = f.word(sections, at + (is64 ? 16 : 12));
      const offset = f.word(sections, at + (is64 ? 24 : 16));
      const size = f.word(sections, at + (is64 ? 32 : 20));
      if (shType === SHT_DYNAMIC) dynamic = { offset, size };
      if (addr !== 0 && shType !== 8 /* SHT_NOBITS */) mapped.push({ addr, offset, size });
    }
    if (regions.length === 0) regions = mapped;
  }

  const info: ElfInfo = {
    bits: f.bits,
    endian: data === ELFDATA2LSB ? 'little' : 'big',
    type,
    machine,
    interpreter,
    pie: false,
    needed: [],
    soname: undefined,
    rpath: [],
    runpath: [],
    versionNeeds: [],
    versionDefs: [],
  };
  if (!dynamic || dynamic.size === 0) return info;
  await readDynamic(reader, f, dynamic, regions, info);
  return info;
}

function toOffset(regions: Region[], addr: number, what: string): number {
  for (const r of regions) {
    if (addr >= r.addr && addr < r.addr + r.size) return r.offset + (addr - r.addr);
  }
  throw new ElfFormatError(`${what} address 0x${addr.toString(16)} is in no loaded segment`);
}

async function readDynamic(
  reader: PositionedReader,
  f: Fields,
  dynamic: { offset: number; size: number },
  regions: Region[],
  info: ElfInfo,
): Promise<void> {
  const entsize = f.bits === 64 ? 16 : 8;
  const bytes = Math.min(dynamic.size, MAX_DYNAMIC_BYTES);
  const table = await reader.read(dynamic.offset, bytes - (bytes % entsize));
  const tags: { tag: number; value: number }[] = [];
  for (let at = 0; at + entsize <= table.length; at += entsize) {
    // d_tag is signed, but every tag read here is below 2^31: the low word of the tag suffices
    // once the high word is checked to be zero (big-endian keeps the low word second).
    const high = f.bits === 64 ? f.u32(table, at + (f.little ? 4 : 0)) : 0;
    const low = f.u32(table, f.bits === 64 ? at + (f.little ? 0 : 4) : at);
    const tag = high === 0 ? low : -1;
    if (tag === DT_NULL) break;
    tags.push({ tag, value: f.word(table, at + (f.bits === 64 ? 8 : 4)) });
  }
  const first = (tag: number) => tags.find((t) => t.tag === tag)?.value;

  const strtabAddr = first(DT_STRTAB);
  const strsz = first(DT_STRSZ);
  if (strtabAddr === undefined || strsz === undefined) {
    if (tags.some((t) => t.tag === DT_NEEDED))
      throw new ElfFormatError('DT_NEEDED without DT_STRTAB/DT_STRSZ');
    return;
  }
  const strtab = toOffset(regions, strtabAddr, 'DT_STRTAB');
  const str = (index: number): Promise<string> => {
    if (index >= strsz) throw new ElfFormatError(`string index ${index} past DT_STRSZ ${strsz}`);
    return reader.cString(strtab + index, Math.min(MAX_STRING, strsz - index));
  };

  for (const { tag, value } of tags) {
    if (tag === DT_NEEDED) info.needed.push(await str(value));
    else if (tag === DT_SONAME) info.soname = await str(value);
    else if (tag === DT_RPATH) info.rpath.push(await str(value));
    else if (tag === DT_RUNPATH) info.runpath.push(await str(value));
    else if (tag === DT_FLAGS_1) info.pie = (value & DF_1_PIE) !== 0;
  }

  const verneed = first(DT_VERNEED);
  if (verneed !== undefined) {
    const offset = toOffset(regions, verneed, 'DT_VERNEED');
    info.versionNeeds = await readVersionNeeds(reader, f, offset, first(DT_VERNEEDNUM), str);
  }
  const verdef = first(DT_VERDEF);
  if (verdef !== undefined) {
    const offset = toOffset(regions, verdef, 'DT_VERDEF');
    info.versionDefs = await readVersionDefs(reader, f, offset, first(DT_VERDEFNUM), str);
  }
}
