import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { extractOptArchive, safeLinkTarget } from '../../../src/core/builder/extract.js';
import { InterruptedError, JobFailedError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { testJob } from '../../support/job-context.js';
import { tempDir } from '../../support/temp-dir.js';

describe('safeLinkTarget', () => {
  it('keeps a relative target that stays inside the layer', () => {
    expect(safeLinkTarget('lib/libz.so', 'libz.so.1')).toBe('libz.so.1');
    expect(safeLinkTarget('bin/tool', '../lib/tool-real')).toBe('../lib/tool-real');
  });

  it.each([
    ['lib/libz.so', '/opt/lib/libz.so.1', 'libz.so.1'],
    ['bin/tool', '/opt/lib/x', '../lib/x'],
    ['python/pkg/mod.so', '/opt/lib/libfoo.so', '../../lib/libfoo.so'],
    ['top', '/opt/lib/x', 'lib/x'],
  ])('makes %s → %s relative to the link folder: %s', (path, target, expected) => {
    expect(safeLinkTarget(path, target)).toBe(expected);
  });

  it.each([['/usr/lib/libz.so.1'], ['/etc/passwd'], ['/optional/lib/x'], ['/opt']])(
    'refuses an absolute target outside /opt/: %s',
    (target) => {
      expect(() => safeLinkTarget('lib/x', target)).toThrow(JobFailedError);
      expect(() => safeLinkTarget('lib/x', target)).toThrow(/points outside the layer/);
    },
  );

  it('refuses an absolute /opt target that climbs out with ..', () => {
    expect(() => safeLinkTarget('lib/x', '/opt/../etc/passwd')).toThrow(JobFailedError);
  });

  it.each([
    ['lib/x', '../../etc/passwd'],
    ['top', '..'],
    ['python/a/b', '../../../x'],
  ])('refuses %s → %s, which escapes the layer', (path, target) => {
    expect(() => safeLinkTarget(path, target)).toThrow(/escapes the layer/);
  });

  it('refuses a target that climbs out of the layer and back in through its mount point', () => {
    expect(() => safeLinkTarget('top', '../opt/lib/x')).toThrow(/escapes the layer/);
    expect(() => safeLinkTarget('lib/x', '../../opt/lib/y')).toThrow(/escapes the layer/);
  });
});

type TarEntry = Parameters<tar.Pack['entry']>[0] & { body?: string };

/** A tar stream, as the engine's archive API returns it, holding `entries` in order. */
function archiveOf(entries: TarEntry[]): Readable {
  const pack = tar.pack();
  for (const { body, ...header } of entries) {
    if (body === undefined) pack.entry(header);
    else pack.entry(header, body);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

let root: string;
let dest: string;
beforeEach(async () => {
  root = await tempDir('layerforge-extract-');
  dest = join(root, 'layer');
});

async function extract(entries: TarEntry[], signal = new AbortController().signal) {
  const recorded = recordEvents();
  await extractOptArchive(archiveOf(entries), dest, { sink: recorded.sink, signal });
  return recorded.events;
}

const mode = async (path: string) => (await lstat(join(dest, path))).mode & 0o7777;

describe('extractOptArchive', () => {
  it('writes files with their modes and folders with theirs', async () => {
    await extract([
      { name: 'opt/', type: 'directory', mode: 0o755 },
      { name: 'opt/bin/', type: 'directory', mode: 0o755 },
      { name: 'opt/bin/tool', type: 'file', mode: 0o755, body: '#!/bin/sh\necho tool\n' },
      { name: 'opt/share/private/', type: 'directory', mode: 0o700 },
      { name: 'opt/share/private/data.txt', type: 'file', mode: 0o600, body: 'secret' },
      { name: 'opt/lib/libz.so.1.3', type: 'file', mode: 0o644, body: 'ELF' },
    ]);
    expect(await readFile(join(dest, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    expect(await mode('bin/tool')).toBe(0o755);
    expect(await mode('share/private')).toBe(0o700);
    expect(await mode('share/private/data.txt')).toBe(0o600);
    expect(await mode('lib/libz.so.1.3')).toBe(0o644);
    expect(await readFile(join(dest, 'share/private/data.txt'), 'utf8')).toBe('secret');
  });

  it('keeps relative symlinks and rewrites absolute /opt ones as relative', async () => {
    await extract([
      { name: 'opt/lib/libz.so.1.3', type: 'file', mode: 0o644, body: 'ELF' },
      { name: 'opt/lib/libz.so.1', type: 'symlink', linkname: 'libz.so.1.3' },
      { name: 'opt/lib/libz.so', type: 'symlink', linkname: '/opt/lib/libz.so.1' },
      { name: 'opt/bin/libz', type: 'symlink', linkname: '/opt/lib/libz.so.1.3' },
    ]);
    expect((await lstat(join(dest, 'lib/libz.so'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dest, 'lib/libz.so.1'))).toBe('libz.so.1.3');
    expect(await readlink(join(dest, 'lib/libz.so'))).toBe('libz.so.1');
    expect(await readlink(join(dest, 'bin/libz'))).toBe('../lib/libz.so.1.3');
    // The rewritten links resolve on this disk as they will under /opt.
    expect(await readFile(join(dest, 'bin/libz'), 'utf8')).toBe('ELF');
  });

  it('recreates hard links as hard links to the same file', async () => {
    await extract([
      { name: 'opt/lib/libz.so.1.3', type: 'file', mode: 0o644, body: 'ELF' },
      { name: 'opt/lib/libz-copy.so', type: 'link', linkname: 'opt/lib/libz.so.1.3' },
    ]);
    const [original, linked] = await Promise.all([
      stat(join(dest, 'lib/libz.so.1.3')),
      stat(join(dest, 'lib/libz-copy.so')),
    ]);
    expect(linked.ino).toBe(original.ino);
    expect(original.nlink).toBe(2);
  });

  it('accepts entry names with a leading ./', async () => {
    await extract([{ name: './opt/lib/a.so', type: 'file', mode: 0o644, body: 'a' }]);
    expect(await readFile(join(dest, 'lib/a.so'), 'utf8')).toBe('a');
  });

  it('skips a character device with a warning and goes on', async () => {
    const events = await extract([
      { name: 'opt/dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'opt/lib/after.so', type: 'file', mode: 0o644, body: 'after' },
    ]);
    expect(existsSync(join(dest, 'dev/null'))).toBe(false);
    expect(await readFile(join(dest, 'lib/after.so'), 'utf8')).toBe('after');
    expect(events).toEqual([
      {
        type: 'warning',
        code: 'skipped-entry',
        message: 'skipped dev/null: a character-device cannot be stored in a layer',
      },
    ]);
  });

  it('refuses an entry whose name climbs out of the folder, and writes nothing outside it', async () => {
    const run = extract([{ name: '../evil', type: 'file', mode: 0o644, body: 'x' }]);
    await expect(run).rejects.toThrow(JobFailedError);
    await expect(run).rejects.toThrow(/unsafe path: \.\.\/evil/);
    expect(existsSync(join(root, 'evil'))).toBe(false);
  });

  it('refuses an entry with .. inside its name that leaves opt/', async () => {
    await expect(extract([{ name: 'opt/../../evil', type: 'file', body: 'x' }])).rejects.toThrow(
      /unsafe path/,
    );
    expect(existsSync(join(root, 'evil'))).toBe(false);
  });

  it('refuses an entry outside opt/', async () => {
    await expect(extract([{ name: 'etc/passwd', type: 'file', body: 'root:x:0:0' }])).rejects.toThrow(
      /outside \/opt in the archive: etc\/passwd/,
    );
    expect(existsSync(join(dest, 'etc'))).toBe(false);
  });

  it('refuses a symlink that leaves the layer', async () => {
    const run = extract([{ name: 'opt/lib/libssl.so', type: 'symlink', linkname: '/usr/lib/libssl.so.3' }]);
    await expect(run).rejects.toThrow(JobFailedError);
    expect(existsSync(join(dest, 'lib/libssl.so'))).toBe(false);
  });

  it('refuses a hard link to /opt itself', async () => {
    await expect(extract([{ name: 'opt/lib/x', type: 'link', linkname: 'opt/' }])).rejects.toThrow(
      /hard link lib\/x points at \/opt itself/,
    );
  });

  it('refuses a hard link to a file outside /opt', async () => {
    await expect(extract([{ name: 'opt/lib/x', type: 'link', linkname: 'etc/shadow' }])).rejects.toThrow(
      /outside \/opt/,
    );
  });

  it('stops when the signal fires mid-archive', async () => {
    const archive = new PassThrough();
    const pack = tar.pack();
    pack.entry({ name: 'opt/lib/first.so', type: 'file', mode: 0o644 }, 'first');
    // No finalize: the archive stays open as a slow engine's would.
    (pack as unknown as Readable).pipe(archive);
    // Closing the archive ends the pipe from the pack with a premature close, as intended.
    pack.on('error', () => {});
    const controller = new AbortController();
    const run = extractOptArchive(archive, dest, { sink: () => {}, signal: controller.signal });
    await vi.waitFor(() => expect(existsSync(join(dest, 'lib/first.so'))).toBe(true));
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    // The engine keeps the container locked until its archive response is closed.
    expect(archive.destroyed).toBe(true);
  });
});

describe('extractOptArchive with many entries in flight', () => {
  it('writes thousands of small files across nested folders, each with its bytes and mode', async () => {
    const entries: TarEntry[] = [];
    for (let d = 0; d < 40; d++) {
      entries.push({ name: `opt/python/pkg${d}/`, type: 'directory', mode: 0o755 });
      for (let f = 0; f < 60; f++) {
        entries.push({
          name: `opt/python/pkg${d}/sub/m${f}.py`,
          type: 'file',
          mode: f % 2 ? 0o755 : 0o644,
          body: `# ${d}/${f}\n`.repeat(f + 1),
        });
      }
    }
    await extract(entries);
    for (const d of [0, 17, 39]) {
      for (const f of [0, 1, 59]) {
        const path = `python/pkg${d}/sub/m${f}.py`;
        expect(await readFile(join(dest, path), 'utf8')).toBe(`# ${d}/${f}\n`.repeat(f + 1));
        expect(await mode(path)).toBe(f % 2 ? 0o755 : 0o644);
      }
    }
  });

  it('streams a file larger than the in-memory limit to disk whole', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024 + 7);
    await extract([
      { name: 'opt/lib/small.so', type: 'file', mode: 0o644, body: 'small' },
      { name: 'opt/lib/big.so', type: 'file', mode: 0o755, body: big },
      { name: 'opt/lib/big-link.so', type: 'link', linkname: 'opt/lib/big.so' },
    ]);
    expect((await stat(join(dest, 'lib/big.so'))).size).toBe(big.length);
    expect(await mode('lib/big.so')).toBe(0o755);
    expect((await stat(join(dest, 'lib/big-link.so'))).ino).toBe((await stat(join(dest, 'lib/big.so'))).ino);
  });

  it('keeps the last of two entries for one path, as tar does', async () => {
    await extract([
      { name: 'opt/a.txt', type: 'file', mode: 0o644, body: 'first, longer' },
      { name: 'opt/a.txt', type: 'file', mode: 0o600, body: 'second' },
    ]);
    expect(await readFile(join(dest, 'a.txt'), 'utf8')).toBe('second');
  });

  it('writes into a folder whose entry makes it read-only, then gives it that mode', async () => {
    await extract([
      { name: 'opt/ro/', type: 'directory', mode: 0o555 },
      { name: 'opt/ro/inside.txt', type: 'file', mode: 0o444, body: 'kept' },
    ]);
    expect(await readFile(join(dest, 'ro/inside.txt'), 'utf8')).toBe('kept');
    expect(await mode('ro')).toBe(0o555);
  });

  it('fails when a write fails, and nothing is still writing once it has', async () => {
    const entries: TarEntry[] = [{ name: 'opt/blocker', type: 'file', mode: 0o644, body: 'a file' }];
    // Each of these needs opt/blocker to be a folder: its mkdir fails in the background.
    for (let i = 0; i < 50; i++)
      entries.push({ name: `opt/blocker/f${i}`, type: 'file', mode: 0o644, body: 'x' });
    for (let i = 0; i < 200; i++)
      entries.push({ name: `opt/later/f${i}`, type: 'file', mode: 0o644, body: 'y' });
    // The archive as the engine sends it, bytes: a tar.pack's own entry streams would report the
    // extractor's error again, as nothing listens on them.
    const chunks: Buffer[] = [];
    for await (const chunk of archiveOf(entries)) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    await expect(extractOptArchive(Readable.from([bytes]), dest, testJob())).rejects.toThrow(
      /ENOTDIR|EEXIST/,
    );
    const after = existsSync(join(dest, 'later')) ? (await readdir(join(dest, 'later'))).length : 0;
    await new Promise((resolve) => setImmediate(resolve));
    const settled = existsSync(join(dest, 'later')) ? (await readdir(join(dest, 'later'))).length : 0;
    expect(settled).toBe(after);
  });
});

describe('extractOptArchive against crafted archives', () => {
  it('refuses an entry written through a symlink chain, and nothing lands outside', async () => {
    const entries: TarEntry[] = [
      { name: 'opt/', type: 'directory', mode: 0o755 },
      { name: 'opt/a/', type: 'directory', mode: 0o755 },
      { name: 'opt/a/b', type: 'symlink', linkname: '..' },
      { name: 'opt/a/b/c', type: 'symlink', linkname: '..' },
      { name: 'opt/a/b/c/evil', type: 'file', mode: 0o644, body: 'outside!' },
    ];
    await expect(extract(entries)).rejects.toThrow(/below the symlink a\/b/);
    expect(existsSync(join(root, 'evil'))).toBe(false);
    expect(existsSync(join(dest, 'evil'))).toBe(false);
  });

  it('stops at once when the signal was aborted before extraction began, even on an archive that never ends', async () => {
    const controller = new AbortController();
    controller.abort();
    const never = new PassThrough();
    await expect(
      extractOptArchive(never, dest, { sink: () => {}, signal: controller.signal }),
    ).rejects.toThrow(/interrupted/);
    expect(existsSync(dest)).toBe(false);
    expect(never.destroyed).toBe(true);
  });

  it('stops cleanly when the signal fires while the destination folder is being made', async () => {
    // The abort lands during the first await (the mkdir), before any archive byte is read: the
    // extractor it destroys must already have an error listener, or the process dies of an
    // unhandled 'error' event (seen once in the interrupt-random test).
    const controller = new AbortController();
    const never = new PassThrough();
    const run = extractOptArchive(never, dest, { sink: () => {}, signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(never.destroyed).toBe(true);
  });

  it("fails with the archive's error when the engine connection drops while the destination folder is being made", async () => {
    const archive = new PassThrough();
    const run = extractOptArchive(archive, dest, testJob());
    archive.destroy(new Error('socket hang up'));
    await expect(run).rejects.toThrow('socket hang up');
  });

  it('closes the archive when an entry is refused', async () => {
    const archive = archiveOf([{ name: 'opt/lib/x', type: 'link', linkname: 'etc/shadow' }]);
    await expect(extractOptArchive(archive, dest, testJob())).rejects.toThrow(/outside \/opt/);
    expect(archive.destroyed).toBe(true);
  });
});
