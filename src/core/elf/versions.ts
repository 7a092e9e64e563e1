import { VER_FLG_BASE, VER_FLG_WEAK } from './constants.js';
import { ElfFormatError } from './positioned-reader.js';
import type { PositionedReader } from './positioned-reader.js';

/** One `Elf_Verneed` entry: a needed file and the version names required from it. */
export interface ElfVersionNeed {
  file: string;
  versions: { name: string; weak: boolean }[];
}

interface Fields {
  u16(buf: Buffer, at: number): number;
  u32(buf: Buffer, at: number): number;
}

// Both structures have the same layout in ELF32 and ELF64 (Half and Word fields only).
const VERNEED_BYTES = 16;
const VERNAUX_BYTES = 16;
const VERDEF_BYTES = 20;
const VERDAUX_BYTES = 8;
/** Real files have a few dozen entries; a bound keeps corrupt `next` chains from looping. */
const MAX_ENTRIES = 4096;

/** Reads `.gnu.version_r` (DT_VERNEED) starting at file offset `start`. */
export async function readVersionNeeds(
  reader: PositionedReader,
  f: Fields,
  start: number,
  count: number | undefined,
  str: (index: number) => Promise<string>,
): Promise<ElfVersionNeed[]> {
  const needs: ElfVersionNeed[] = [];
  let at = start;
  const limit = Math.min(count ?? MAX_ENTRIES, MAX_ENTRIES);
  for (let i = 0; i < limit; i++) {
    const vn = await reader.read(at, VERNEED_BYTES);
    const cnt = f.u16(vn, 2);
    const file = await str(f.u32(vn, 4));
    const aux = f.u32(vn, 8);
    const next = f.u32(vn, 12);
    const versions: ElfVersionNeed['versions'] = [];
    let auxAt = at + aux;
    for (let j = 0; j < Math.min(cnt, MAX_ENTRIES); j++) {
      const vna = await reader.read(auxAt, VERNAUX_BYTES);
      const flags = f.u16(vna, 4);
      versions.push({ name: await str(f.u32(vna, 8)), weak: (flags & VER_FLG_WEAK) !== 0 });
      const auxNext = f.u32(vna, 12);
      if (auxNext === 0) {
        if (j + 1 < cnt)
          throw new ElfFormatError(`verneed for ${file}: ${cnt} names announced, ${j + 1} linked`);
        break;
      }
      auxAt += auxNext;
    }
    needs.push({ file, versions });
    if (next === 0) break;
    at += next;
  }
  return needs;
}

/** Reads `.gnu.version_d` (DT_VERDEF): the version names defined, without the BASE entry. */
export async function readVersionDefs(
  reader: PositionedReader,
  f: Fields,
  start: number,
  count: number | undefined,
  str: (index: number) => Promise<string>,
): Promise<string[]> {
  const names: string[] = [];
  let at = start;
  const limit = Math.min(count ?? MAX_ENTRIES, MAX_ENTRIES);
  for (let i = 0; i < limit; i++) {
    const vd = await reader.read(at, VERDEF_BYTES);
    const flags = f.u16(vd, 2);
    const aux = f.u32(vd, 12);
    const next = f.u32(vd, 16);
    // The first Verdaux names the version itself; the rest name its parents.
    const vda = await reader.read(at + aux, VERDAUX_BYTES);
    if ((flags & VER_FLG_BASE) === 0) names.push(await str(f.u32(vda, 0)));
    if (next === 0) break;
    at += next;
  }
  return names;
}
