import { throwIfAborted } from '../errors.js';
import { ElfFormatError, readElf } from '../elf/read-elf.js';
import type { ElfInfo } from '../elf/read-elf.js';
import type { LayerTree, ParsedElfs } from '../layer/entry.js';

/**
 * Every ELF file in the layer by path, parsed, and those that start with the magic but could
 * not be (truncated, corrupt).
 */
export type ElfScan = ParsedElfs;

/**
 * Why a file that starts like ELF could not be parsed, or undefined for an error that is not
 * the file's (rethrown). RangeError: a field pointed past a buffer; garbage, like a format
 * error. EACCES: a file this user may not read (its mode is reported by the layout check).
 */
export function unparsableBecause(error: unknown): string | undefined {
  const denied = (error as NodeJS.ErrnoException).code === 'EACCES';
  return error instanceof ElfFormatError || error instanceof RangeError || denied
    ? (error as Error).message
    : undefined;
}

/**
 * Extensions of files the dynamic loader and the language runtimes never map as machine code:
 * sources, bytecode, text and data. Skipping them spares an open per file, which is most of a
 * Python layer's files. A program in bin/ is read whatever its name.
 */
const NEVER_ELF = new Set(
  (
    'py pyc pyi pyx pxd pxi pyo txt md rst json js mjs cjs ts mts cts map html htm css scss h hh hpp hxx c cc cpp cxx ' +
    'f f90 csv tsv yaml yml toml cfg ini xml xsd svg png jpg jpeg gif ico webp pem crt typed npy npz pkl ' +
    'rb erb gemspec java kt scala properties mo po pot gz bz2 xz zst zip whl jar tar'
  ).split(' '),
);

export function mayBeElf(path: string): boolean {
  if (path.startsWith('bin/')) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 || !NEVER_ELF.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Finds and parses the ELF files of a layer, a few at a time: each file costs one open and a
 * 64-byte read unless it is ELF, and an ELF file only its headers and dynamic section.
 */
export async function scanElfFiles(
  tree: LayerTree,
  signal?: AbortSignal,
  concurrency = 16,
): Promise<ElfScan> {
  const elfs = new Map<string, ElfInfo>(tree.parsedElfs?.elfs);
  const unreadable: ElfScan['unreadable'] = [...(tree.parsedElfs?.unreadable ?? [])];
  const work: { path: string; file: string }[] = [];
  for (const entry of tree.entries.values()) {
    if (entry.type !== 'file' || entry.size < 4 || !mayBeElf(entry.path)) continue;
    const file = tree.contentPath(entry.path);
    if (file) work.push({ path: entry.path, file });
  }
  // A fixed pool of workers pulling from one list: cheaper than a promise per file in a limiter.
  let next = 0;
  const worker = async () => {
    for (let item = work[next++]; item; item = work[next++]) {
      throwIfAborted(signal);
      try {
        const info = await readElf(item.file);
        if (info) elfs.set(item.path, info);
      } catch (error) {
        const message = unparsableBecause(error);
        if (message === undefined) throw error;
        unreadable.push({ path: item.path, message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  unreadable.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { elfs, unreadable };
}
