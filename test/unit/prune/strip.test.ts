import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { indexLayer } from '../../../src/core/prune/match.js';
import { isStrippableElf, stripCandidates } from '../../../src/core/prune/strip.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
/** A real ELF executable from the host's Debian packages. */
const REAL_ELF = '/bin/true';

/** An ELF header of the given e_type (1 relocatable, 4 core), little-endian 64-bit. */
function elfHeader(type: number): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2;
  header[5] = 1;
  header[6] = 1;
  header.writeUInt16LE(type, 16);
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
    const candidates = await stripCandidates(
      await indexLayer(root),
      root,
      ['bin/keep-symbols'],
      new Set(['python/pkg/tests']),
    );
    expect(candidates).toEqual(['lib/libz.so.1', 'python/numpy/core/_multiarray_umath.so']);
  });
});
