import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EM_X86_64, ET_DYN } from '../../../src/core/elf/constants.js';
import { ElfFormatError, readElf, readElfBytes } from '../../../src/core/elf/read-elf.js';
import { readelfFacts } from '../../support/readelf-oracle.js';
import { sharedTempDir } from '../../support/temp-dir.js';

// Real binaries of the Debian 12 machine the tests run on, written by nobody here.
const HOST_FILES = [
  '/usr/bin/ls',
  '/usr/bin/readelf',
  '/usr/lib/x86_64-linux-gnu/libc.so.6',
  '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
  '/usr/lib/x86_64-linux-gnu/libz.so.1',
  '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
];

const scratch = sharedTempDir('lf-read-elf-');

describe('readElf on real Debian 12 binaries agrees with readelf -V -d', () => {
  for (const path of HOST_FILES) {
    it(path, async () => {
      const ours = await readElf(path);
      const oracle = readelfFacts(path);
      expect(ours).toBeDefined();
      if (!ours) return;
      expect(ours.bits).toBe(oracle.bits);
      expect(ours.endian).toBe(oracle.endian);
      expect(ours.needed).toEqual(oracle.needed);
      expect(ours.soname).toBe(oracle.soname);
      expect(ours.rpath).toEqual(oracle.rpath);
      expect(ours.runpath).toEqual(oracle.runpath);
      expect(new Map(ours.versionNeeds.map((n) => [n.file, n.versions.map((v) => v.name)]))).toEqual(
        oracle.versionNeeds,
      );
      expect(ours.versionDefs).toEqual(oracle.versionDefs);
    });
  }

  it('reads what libstdc++ defines and what it needs from glibc', async () => {
    const info = await readElf('/usr/lib/x86_64-linux-gnu/libstdc++.so.6');
    expect(info?.machine).toBe(EM_X86_64);
    expect(info?.type).toBe(ET_DYN);
    expect(info?.soname).toBe('libstdc++.so.6');
    expect(info?.versionDefs).toContain('GLIBCXX_3.4.30');
    expect(info?.versionDefs).toContain('CXXABI_1.3.13');
    expect(info?.versionDefs).not.toContain('libstdc++.so.6');
    expect(info?.versionNeeds.find((n) => n.file === 'libc.so.6')?.versions.map((v) => v.name)).toContain(
      'GLIBC_2.36',
    );
  });

  it('marks a PIE executable and its interpreter', async () => {
    const info = await readElf('/usr/bin/ls');
    expect(info?.pie).toBe(true);
    expect(info?.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
  });
});

describe('readElf on files that are not (whole) ELF files', () => {
  it('returns undefined for a file that is not ELF', async () => {
    expect(await readElf('/etc/os-release')).toBeUndefined();
  });

  it('throws ElfFormatError for a library cut after its headers', async () => {
    const whole = readFileSync('/usr/lib/x86_64-linux-gnu/libstdc++.so.6');
    for (const length of [4, 40, 200, 5000]) {
      const cut = join(scratch.path, `cut-${length}.so`);
      writeFileSync(cut, whole.subarray(0, length));
      await expect(readElf(cut), `cut at ${length}`).rejects.toBeInstanceOf(ElfFormatError);
    }
  });

  it('throws ElfFormatError for the ELF magic followed by garbage', async () => {
    const path = join(scratch.path, 'garbage.so');
    const bytes = Buffer.alloc(4096, 0xa5);
    bytes.write('\x7fELF', 0, 'latin1');
    writeFileSync(path, bytes);
    await expect(readElf(path)).rejects.toBeInstanceOf(ElfFormatError);
  });

  it('throws ElfFormatError when the program headers point past the end', async () => {
    const path = join(scratch.path, 'bad-phoff.so');
    copyFileSync('/usr/lib/x86_64-linux-gnu/libz.so.1', path);
    const bytes = readFileSync(path);
    bytes.writeBigUInt64LE(BigInt(bytes.length + 4096), 32); // e_phoff
    writeFileSync(path, bytes);
    await expect(readElf(path)).rejects.toBeInstanceOf(ElfFormatError);
  });
});

describe('readElfBytes: the same reader over bytes in memory (an entry inflated from a zip)', () => {
  it('gives what readElf gives from the file, for every real binary', async () => {
    for (const path of HOST_FILES) {
      const fromBytes = await readElfBytes(readFileSync(path));
      expect(fromBytes, path).toBeDefined();
      expect(fromBytes, path).toEqual(await readElf(path));
    }
  });

  it('returns undefined for bytes that are not ELF, and refuses cut or garbled ones', async () => {
    expect(await readElfBytes(readFileSync('/etc/os-release'))).toBeUndefined();
    const whole = readFileSync('/usr/lib/x86_64-linux-gnu/libstdc++.so.6');
    for (const length of [4, 40, 200, 5000]) {
      await expect(readElfBytes(whole.subarray(0, length)), `cut at ${length}`).rejects.toBeInstanceOf(
        ElfFormatError,
      );
    }
    const garbage = Buffer.alloc(4096, 0xa5);
    garbage.write('\x7fELF', 0, 'latin1');
    await expect(readElfBytes(garbage)).rejects.toBeInstanceOf(ElfFormatError);
  });
});
