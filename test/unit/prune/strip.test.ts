import { copyFile, mkdir, readFile, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { indexLayer } from '../../../src/core/prune/match.js';
import type { BuildImageRunner } from '../../../src/core/prune/build-image-run.js';
import { isStrippableElf, stripCandidates, stripFiles } from '../../../src/core/prune/strip.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
/** A real ELF executable from the host's Debian packages. */
const REAL_ELF = '/bin/true';

/** An ELF header of the given e_type (1 relocatable, 4 core), little-endian, 64-bit unless told. */
function elfHeader(type: number, machine = 0, bits: 32 | 64 = 64): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = bits === 64 ? 2 : 1;
  header[5] = 1;
  header[6] = 1;
  header.writeUInt16LE(type, 16);
  header.writeUInt16LE(machine, 18);
  return header;
}

async function put(path: string, from: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  if (typeof from === 'string') await copyFile(from, join(root, path));
  else await writeFile(join(root, path), from);
}

beforeEach(async () => {
  root = await tempDir('layerforge-strip-');
});

describe('isStrippableElf', () => {
  it('accepts executables and shared objects, refuses relocatable objects, cores and non-ELF files', async () => {
    await put('exe', REAL_ELF);
    await put('object.o', elfHeader(1));
    await put('core', elfHeader(4));
    await put('shared.so', elfHeader(3));
    await put('script.sh', Buffer.from('#!/bin/sh\necho not an ELF file at all\n'));
    const results = await Promise.all(
      ['exe', 'object.o', 'core', 'shared.so', 'script.sh'].map((p) => isStrippableElf(join(root, p))),
    );
    expect(results).toEqual([true, false, false, true, false]);
  });
});

describe('stripCandidates', () => {
  it("leaves out auditwheel's *.libs/, dist-info, protected globs, links and what other rules took", async () => {
    await put('python/numpy/core/_multiarray_umath.so', REAL_ELF);
    await put('python/numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so', REAL_ELF);
    await put('python/scipy.libs/libgfortran-040039e1.so.5.0.0', REAL_ELF);
    await put('python/tool-1.0.dist-info/helper', REAL_ELF);
    await put('bin/keep-symbols', REAL_ELF);
    await put('python/pkg/tests/_fixture.so', REAL_ELF);
    await put('lib/libz.so.1', REAL_ELF);
    await symlink('libz.so.1', join(root, 'lib/libz.so'));
    const { candidates, skipped } = await stripCandidates(
      await indexLayer(root),
      root,
      ['bin/keep-symbols'],
      new Set(['python/pkg/tests']),
      'x86_64',
    );
    expect(candidates).toEqual(['lib/libz.so.1', 'python/numpy/core/_multiarray_umath.so']);
    expect(skipped).toEqual([]);
  });
});

describe('strip and files for another machine', () => {
  it('leaves ELF files for another machine out of the list, each with the reason', async () => {
    await put('python/selenium/webdriver/common/linux-x86_64/selenium-manager', REAL_ELF);
    await put('python/selenium/webdriver/common/linux-arm64/selenium-manager', elfHeader(2, 183));
    await put('python/vendor/i386/helper.so', elfHeader(3, 3, 32));
    const { candidates, skipped } = await stripCandidates(
      await indexLayer(root),
      root,
      [],
      new Set(),
      'x86_64',
    );
    expect(candidates).toEqual(['python/selenium/webdriver/common/linux-x86_64/selenium-manager']);
    expect(skipped).toEqual([
      {
        path: 'python/selenium/webdriver/common/linux-arm64/selenium-manager',
        reason: "built for aarch64 (ELF64), not x86_64: the build image's strip cannot read it",
      },
      {
        path: 'python/vendor/i386/helper.so',
        reason: "built for i386 (ELF32), not x86_64: the build image's strip cannot read it",
      },
    ]);
  });

  it('for an arm64 layer, the x86_64 file is the one left alone', async () => {
    await put('bin/tool', REAL_ELF);
    await put('lib/libtool.so', elfHeader(3, 183));
    const { candidates, skipped } = await stripCandidates(
      await indexLayer(root),
      root,
      [],
      new Set(),
      'arm64',
    );
    expect(candidates).toEqual(['lib/libtool.so']);
    expect(skipped.map((s) => s.path)).toEqual(['bin/tool']);
  });

  it('a file strip refuses is put back byte for byte and reported; the others are stripped', async () => {
    const side = await tempDir('layerforge-strip-side-');
    await put('bin/a', Buffer.alloc(4000, 1));
    await put('lib/b.so', Buffer.alloc(4000, 2));
    await put('lib/c.so', Buffer.alloc(4000, 3));
    // Halves each file as strip would, except the second, which it refuses with strip's words.
    const refusing: BuildImageRunner = async (script, options) => {
      expect(script).toContain('strip --strip-unneeded');
      const listDir = options.mounts?.[0]?.hostPath ?? '';
      const list = (await readFile(join(listDir, 'strip-list'), 'utf8')).split('\n').filter(Boolean);
      const output: string[] = [];
      for (const [i, path] of list.entries()) {
        const local = join(root, path.replace(/^\/opt\//, ''));
        if (i === 1) {
          await writeFile(local, 'half-written');
          output.push(`layerforge-strip-refused 2 strip: ${path}: file format not recognized `);
        } else await truncate(local, 2000);
      }
      return { exitCode: 0, output };
    };
    const result = await stripFiles(root, side, ['bin/a', 'lib/b.so', 'lib/c.so'], refusing);
    expect(result.files).toEqual(['bin/a', 'lib/c.so']);
    expect(result.bytesSaved).toBe(4000);
    expect(result.skipped).toEqual([
      { path: 'lib/b.so', reason: 'strip refused it: /opt/lib/b.so: file format not recognized' },
    ]);
    expect(await readFile(join(root, 'lib/b.so'))).toEqual(Buffer.alloc(4000, 2));
    expect((await stat(join(root, 'bin/a'))).size).toBe(2000);
    // Reverting the rule restores the stripped files only; the refused one stays as it was.
    await result.revert();
    expect(await readFile(join(root, 'bin/a'))).toEqual(Buffer.alloc(4000, 1));
    expect(await readFile(join(root, 'lib/b.so'))).toEqual(Buffer.alloc(4000, 2));
  });

  it('a build image without strip still fails the rule, with every original put back', async () => {
    const side = await tempDir('layerforge-strip-side-');
    await put('bin/a', Buffer.alloc(4000, 1));
    const missing: BuildImageRunner = async () => ({
      exitCode: 127,
      output: ['strip: not found in the build image'],
    });
    await expect(stripFiles(root, side, ['bin/a'], missing)).rejects.toThrow(/exit code 127/);
    expect(await readFile(join(root, 'bin/a'))).toEqual(Buffer.alloc(4000, 1));
  });
});
