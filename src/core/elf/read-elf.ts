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
  PT_DYNAMIC,
  PT_INTERP,
  PT_LOAD,
  SHT_DYNAMIC,
} from './constants.js';
import { hasElfMagic, parseElfHeader, readElfFile } from './header.js';
import type { Fields } from './header.js';
import { ElfFormatError, PositionedReader } from './positioned-reader.js';
import { readVersionDefs, readVersionNeeds } from './versions.js';
import type { ElfVersionNeed } from './versions.js';

export type { ElfVersionNeed } from './versions.js';
export { ElfFormatError } from './positioned-reader.js';
export { hasElfMagic } from './header.js';
export type { Fields } from './header.js';

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

const MAX_DYNAMIC_BYTES = 256 * 1024;
const MAX_STRING = 4096;

/**
 * Reads an ELF file's headers with positioned reads (never the whole file). Returns undefined
 * when the file is not ELF at all; throws ElfFormatError when it is ELF but damaged.
 */
export async function readElf(path: string): Promise<ElfInfo | undefined> {
  return readElfFile(path, parseElf);
}

/** The same from a file's whole bytes in memory (an entry inflated from a zip). */
export async function readElfBytes(bytes: Buffer): Promise<ElfInfo | undefined> {
  return hasElfMagic(bytes) ? parseElf(PositionedReader.ofBytes(bytes)) : undefined;
}

interface Region {
  addr: number;
  offset: number;
  size: number;
}

/** Parses an ELF file through `reader`, which must start with the ELF magic. */
export async function parseElf(reader: PositionedReader): Promise<ElfInfo> {
  const { fields: f, type, machine, segments, sections } = await parseElfHeader(reader);
  const { offset: shoff, entsize: shentsize, count: shnum } = sections;
  const is64 = f.bits === 64;

  const loads: Region[] = [];
  let dynamic: { offset: number; size: number } | undefined;
  let interpreter: string | undefined;
  for (const segment of segments) {
    const { type: pType, offset, vaddr, filesz } = segment;
    if (pType === PT_LOAD) loads.push({ addr: vaddr, offset, size: filesz });
    else if (pType === PT_DYNAMIC) dynamic = { offset, size: filesz };
    else if (pType === PT_INTERP && filesz > 0)
      interpreter = await reader.cString(offset, Math.min(filesz, MAX_STRING));
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
    endian: f.little ? 'little' : 'big',
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
