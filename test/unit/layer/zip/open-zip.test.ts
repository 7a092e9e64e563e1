// SafeZip against zips that lie: each hostile shape is refused with a UserError (exit 2) whose
// message says what is wrong, never yauzl's or zlib's raw error as an internal error.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/core/errors.js';
import { SafeZip } from '../../../../src/core/layer/zip/open-zip.js';
import type { ZipLimits } from '../../../../src/core/layer/zip/open-zip.js';
import { craftZip, deflatedEntry, zerosEntry } from '../../../support/hostile-zip.js';
import type { RawEntry } from '../../../support/hostile-zip.js';
import { tempDir } from '../../../support/temp-dir.js';
import { handMadeZip } from '../helpers.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-open-zip-');
});

async function zipOf(entries: RawEntry[] | Buffer): Promise<string> {
  const path = join(dir, 'layer.zip');
  await writeFile(path, Buffer.isBuffer(entries) ? entries : craftZip(entries));
  return path;
}

/** The UserError SafeZip.open (or `then`, given the opened zip) throws. */
async function refusal(
  path: string,
  then?: (zip: SafeZip) => Promise<unknown>,
  limits?: Partial<ZipLimits>,
): Promise<UserError> {
  const attempt = async () => {
    const zip = await SafeZip.open(path, { limits });
    try {
      await then?.(zip);
    } finally {
      await zip.close();
    }
  };
  const error = await attempt().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  return error as UserError;
}

function record(zip: SafeZip, name: string) {
  const found = zip.entries.find((r) => r.name === name);
  if (!found) throw new Error(`no entry ${name}`);
  return found;
}

const sink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

describe('SafeZip', () => {
  it('reads an honest zip: names, sizes, link targets and bytes', async () => {
    const path = join(dir, 'honest.zip');
    handMadeZip(path, [
      ['python/a.py', 'print(1)\n', 0o100644],
      ['python/link.py', 'a.py', 0o120777],
    ]);
    const zip = await SafeZip.open(path);
    try {
      expect(zip.entries.map((r) => r.name)).toEqual(['python/a.py', 'python/link.py']);
      expect(zip.declaredBytes).toBe('print(1)\n'.length + 'a.py'.length);
      expect(await zip.readLink(record(zip, 'python/link.py'))).toBe('a.py');
      expect(await zip.pipeEntry(record(zip, 'python/a.py'), sink())).toBe(9);
    } finally {
      await zip.close();
    }
  });

  it('refuses a bad end record as a corrupt zip', async () => {
    const good = craftZip([deflatedEntry('a.txt', 'hello')]);
    const bad = Buffer.from(good);
    bad.writeUInt32LE(0xffffff, bad.length - 6); // the central directory's offset, past the end
    const error = await refusal(await zipOf(bad));
    expect(error.message).toMatch(/is not a readable zip file/);
    expect(error.hint).toContain('unzip -t');
  });

  it('caps the entry count, the central directory and the declared sizes', async () => {
    const three = await zipOf(['a', 'b', 'c'].map((n) => deflatedEntry(n, n)));
    expect((await refusal(three, undefined, { entries: 2 })).message).toContain(
      '3 entries, more than the 2 allowed',
    );
    expect((await refusal(three, undefined, { directoryBytes: 100 })).message).toContain(
      'its central directory is over 100 bytes',
    );
    const big = await zipOf([zerosEntry('zeros.bin', 3)]);
    expect((await refusal(big, undefined, { entryDeclaredBytes: 2 * 1024 * 1024 })).message).toContain(
      'zeros.bin declares 3145728 bytes, more than the 2097152 allowed for one entry',
    );
    expect((await refusal(big, undefined, { totalDeclaredBytes: 1024 * 1024 })).message).toContain(
      'declare more than 1048576 bytes in all',
    );
  });

  it('refuses a declared size no deflate stream of that length can hold', async () => {
    const entry = deflatedEntry('lib/libx.so', 'tiny');
    const error = await refusal(await zipOf([{ ...entry, size: 2_000_000_000 }]));
    expect(error.message).toContain('declares 2000000000 bytes, more than its');
  });

  it('finds overlapping entries: two central entries over one local record', async () => {
    const bomb = zerosEntry('a.bin', 1);
    const error = await refusal(await zipOf([bomb, { ...bomb, sharesLocalOf: 0 }]));
    expect(error.message).toContain('is an unsafe zip: entries a.bin and a.bin overlap in the file');
  });

  it.each([
    ['name', { name: 'other.txt' }],
    ['size', { size: 99 }],
    ['CRC-32', { crc: 1234 }],
    ['compression method', { method: 0 }],
  ] as const)('finds a local header whose %s differs from the central directory', async (what, local) => {
    const error = await refusal(await zipOf([{ ...deflatedEntry('a.txt', 'hello world'), local }]));
    expect(error.message).toContain(
      `the local header of a.txt does not match the central directory (${what})`,
    );
  });

  it('stops an entry that inflates past its declared size, and one that fails its CRC', async () => {
    const lie = { ...zerosEntry('bin/tool', 4), size: 1000 };
    const tooMany = await refusal(await zipOf([lie]), (zip) =>
      zip.pipeEntry(record(zip, 'bin/tool'), sink()),
    );
    expect(tooMany.message).toContain('bin/tool: too many bytes in the stream');
    const badCrc = { ...deflatedEntry('a.txt', 'hello'), crc: 42 };
    const crc = await refusal(await zipOf([{ ...badCrc, local: { crc: 42 } }]), (zip) =>
      zip.pipeEntry(record(zip, 'a.txt'), sink()),
    );
    expect(crc.message).toContain('a.txt fails its CRC-32 check');
  });

  it('inflates a whole entry in memory, deflated or stored, and checks it like a stream', async () => {
    const path = await zipOf([
      deflatedEntry('lib/a.so', 'deflated bytes'),
      {
        ...deflatedEntry('lib/b.so', ''),
        stored: Buffer.from('stored bytes'),
        method: 0,
        crc: crc32('stored bytes'),
        size: 12,
      },
      { ...zerosEntry('lib/lie.so', 4), size: 1000 },
      { ...deflatedEntry('lib/crc.so', 'hello'), crc: 42, local: { crc: 42 } },
      { ...deflatedEntry('lib/short.so', 'hello'), size: 6, local: { size: 6 } },
    ]);
    const zip = await SafeZip.open(path);
    try {
      expect((await zip.inflateEntry(record(zip, 'lib/a.so'))).toString()).toBe('deflated bytes');
      expect((await zip.inflateEntry(record(zip, 'lib/b.so'))).toString()).toBe('stored bytes');
    } finally {
      await zip.close();
    }
    const refused = async (name: string) =>
      (await refusal(path, (opened) => opened.inflateEntry(record(opened, name)))).message;
    expect(await refused('lib/lie.so')).toContain(
      '(lib/lie.so: inflates to more than the 1000 bytes it declares)',
    );
    expect(await refused('lib/crc.so')).toContain('lib/crc.so fails its CRC-32 check');
    expect(await refused('lib/short.so')).toContain(
      'lib/short.so inflates to 5 bytes, not the 6 it declares',
    );
  });

  it('stops at the caller’s cap whatever the entry declares', async () => {
    const path = await zipOf([zerosEntry('data.bin', 8)]);
    const error = await refusal(path, (zip) =>
      zip.pipeEntry(record(zip, 'data.bin'), sink(), { maxBytes: 1024 * 1024 }),
    );
    expect(error.message).toContain('data.bin inflates past 1048576 bytes');
  });

  it('refuses a symlink body over 4 KiB, declared or not, without reading it whole', async () => {
    const declared = zerosEntry('lib/big-link', 600, { mode: 0o120777 });
    const openly = await refusal(await zipOf([declared]), (zip) => zip.readLink(record(zip, 'lib/big-link')));
    expect(openly.message).toContain(
      'symlink lib/big-link has a 629145600-byte target; a link target is at most 4096 bytes',
    );
    const before = process.memoryUsage().rss;
    const hidden = await refusal(await zipOf([{ ...declared, size: 100, local: { size: 100 } }]), (zip) =>
      zip.readLink(record(zip, 'lib/big-link')),
    );
    expect(hidden.message).toMatch(/lib\/big-link/);
    // 600 MB read whole would show here; a few MiB of zlib buffers is what a capped read costs.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it.each([
    ['streamed', (zip: SafeZip, name: string) => zip.pipeEntry(record(zip, name), sink())],
    ['inflated in memory', (zip: SafeZip, name: string) => zip.inflateEntry(record(zip, name))],
  ])('refuses an encrypted entry and an unknown method when asked for its bytes, %s', async (_, read) => {
    const encrypted = { ...deflatedEntry('a.so', 'x'), flags: 0x801 };
    const path = await zipOf([encrypted, { ...deflatedEntry('b.so', 'y'), method: 99 }]);
    expect((await refusal(path, (zip) => read(zip, 'a.so'))).message).toContain('a.so is encrypted');
    expect((await refusal(path, (zip) => read(zip, 'b.so'))).message).toContain(
      'b.so uses compression method 99',
    );
  });
});
