import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { dataDir } from '../paths.js';
import type { Architecture } from '../runtimes/catalog.js';
import type { SystemLibraries } from './types.js';

/** A SystemLibraries over a plain list of sonames, e.g. read from a runtime image by the caller. */
export function systemLibrariesFromList(source: string, sonames: Iterable<string>): SystemLibraries {
  const set = new Set(sonames);
  return { source, has: (soname) => set.has(soname) };
}

/** Adds sonames the runtime itself provides (libpython in /var/lang/lib) to an image's list. */
export function withExtraLibraries(base: SystemLibraries, extra: string[]): SystemLibraries {
  if (extra.length === 0) return base;
  const set = new Set(extra);
  return { source: base.source, has: (soname) => set.has(soname) || base.has(soname) };
}

/**
 * Parses a soname list: one soname per line, `#` comments, blank lines ignored, and an optional
 * second word naming the only arch the line applies to (`ld-linux-x86-64.so.2 x86_64`).
 * Also accepts `ldconfig -p` output (`libz.so.1 (libc6,x86-64) => /lib/...`), keeping the soname.
 */
export function parseSonameList(text: string, arch: Architecture): string[] {
  const sonames: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '' || /^\d+ libs found/.test(line)) continue;
    const [soname, qualifier] = line.split(/\s+/);
    if (!soname) continue;
    if (qualifier === 'x86_64' || qualifier === 'arm64') {
      if (qualifier !== arch) continue;
    }
    sonames.push(soname);
  }
  return sonames;
}

/** The OS ids with a committed list in data/system-libraries/. */
export const BUNDLED_SYSTEM_LIBRARY_LISTS = ['al2', 'al2023'] as const;

export function hasBundledSystemLibraries(osId: string): boolean {
  return (BUNDLED_SYSTEM_LIBRARY_LISTS as readonly string[]).includes(osId);
}

/** Loads data/system-libraries/<os>.txt, the committed list for an Amazon Linux OS. */
export async function loadBundledSystemLibraries(osId: string, arch: Architecture): Promise<SystemLibraries> {
  if (!hasBundledSystemLibraries(osId)) {
    throw new UserError(`no committed system library list for "${osId}"`, {
      hint: `lists exist for ${BUNDLED_SYSTEM_LIBRARY_LISTS.join(', ')}; pass --system-libraries <file> for others`,
    });
  }
  const file = join(dataDir, 'system-libraries', `${osId}.txt`);
  const sonames = parseSonameList(await readFile(file, 'utf8'), arch);
  return systemLibrariesFromList(
    `data/system-libraries/${osId}.txt (committed list, not read from the image)`,
    sonames,
  );
}

/** Reads a user-supplied soname list (or saved `ldconfig -p` output) from a file. */
export async function loadSystemLibrariesFile(path: string, arch: Architecture): Promise<SystemLibraries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read the system library list ${path}`, {
      cause,
      hint: 'give a file with one soname per line, e.g. saved from `ldconfig -p` in the runtime image',
    });
  }
  const sonames = parseSonameList(text, arch);
  if (sonames.length === 0) {
    throw new UserError(`${path} lists no sonames`, { hint: 'one soname per line, e.g. libc.so.6' });
  }
  return systemLibrariesFromList(path, sonames);
}
