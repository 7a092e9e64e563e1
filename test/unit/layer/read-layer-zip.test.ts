// readLayerZip: ELF files are parsed in memory as the zip is read, wheel metadata is extracted,
// and an entry whose stored bytes are out of proportion to its size never goes to memory.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../../src/core/elf/read-elf.js';
import { readLayerZip, readsInMemory } from '../../../src/core/layer/read-layer-zip.js';
import type { ZipRecord } from '../../../src/core/layer/zip/open-zip.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const scratch = sharedTempDir('lf-read-layer-zip-');
const MIB = 1024 * 1024;

const sized = (uncompressedSize: number, compressedSize: number) =>
  ({ name: 'lib/x.so', dataStart: 0, entry: { uncompressedSize, compressedSize } }) as unknown as ZipRecord;

describe('readsInMemory', () => {
  it('takes entries up to 64 MiB whose stored bytes deflate could have made', () => {
    // zlib's deflateBound for 64 MiB of incompressible bytes: 20,495 bytes over.
    expect(readsInMemory(sized(10 * MIB, 3 * MIB))).toBe(true);
    expect(readsInMemory(sized(64 * MIB, 64 * MIB + 20_495))).toBe(true);
    expect(readsInMemory(sized(0, 2))).toBe(true);
  });

  it('streams larger entries, and those storing far more bytes than they declare', () => {
    expect(readsInMemory(sized(64 * MIB + 1, MIB))).toBe(false);
    expect(readsInMemory(sized(4096, 2 * MIB))).toBe(false);
    expect(readsInMemory(sized(10, 1_000_000_000))).toBe(false);
  });
});

describe('readLayerZip on a zip made by Info-ZIP', () => {
  it('parses real binaries in memory and extracts only wheel metadata', async () => {
    const root = join(scratch.path, 'layer');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'lib'), { recursive: true });
    mkdirSync(join(root, 'python/demo-1.0.dist-info'), { recursive: true });
    copyFileSync('/usr/bin/ls', join(root, 'bin/ls'));
    copyFileSync('/usr/lib/x86_64-linux-gnu/libz.so.1', join(root, 'lib/libz.so.1'));
    writeFileSync(join(root, 'python/demo-1.0.dist-info/WHEEL'), 'Wheel-Version: 1.0\n');
    writeFileSync(join(root, 'lib/notes.so'), 'not an ELF file, whatever its name');
    const zip = join(scratch.path, 'layer.zip');
    execFileSync('zip', ['-q', '-r', '-y', zip, '.'], { cwd: root });

    const tree = await readLayerZip(zip);
    try {
      expect([...(tree.parsedElfs?.elfs.keys() ?? [])].sort()).toEqual(['bin/ls', 'lib/libz.so.1']);
      expect(tree.parsedElfs?.elfs.get('bin/ls')).toEqual(await readElf('/usr/bin/ls'));
      expect(tree.parsedElfs?.unreadable).toEqual([]);
      expect(tree.contentPath('bin/ls')).toBeUndefined();
      const wheel = tree.contentPath('python/demo-1.0.dist-info/WHEEL');
      expect(wheel && readFileSync(wheel, 'utf8')).toBe('Wheel-Version: 1.0\n');
    } finally {
      await tree.cleanup();
    }
  });
});
