import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, readlink, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError, JobFailedError } from '../../../src/core/errors.js';
import { writeLayerZip } from '../../../src/core/layer/zip-writer.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeTree, python, run, sha256File, zipinfoModes } from './helpers.js';
import type { TreeSpec } from './helpers.js';

const layer: TreeSpec = {
  'python/pkg/__init__.py': { file: 'print("hi")\n', mode: 0o600 },
  'python/pkg/_speedups.so': { file: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]), mode: 0o700 },
  'python/pkg/alias': { link: '__init__.py' },
  'python/pkg-data': { link: 'pkg' },
  'bin/tool': { file: '#!/bin/sh\necho tool\n', mode: 0o755 },
  'lib/libfoo.so.1.2.3': { file: 'not really a library\n'.repeat(100), mode: 0o644 },
  'lib/libfoo.so.1': { link: 'libfoo.so.1.2.3' },
  'lib/libfoo.so': { link: 'libfoo.so.1' },
  'lib/dangling.so': { link: 'libgone.so.9' },
  'share/private': { dir: true, mode: 0o700 },
  'a-b.txt': { file: 'sorts before a/ in byte order\n' },
  'a/z.txt': { file: 'z\n' },
};

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-layer-');
});

async function build(spec: TreeSpec = layer, name = 'tree'): Promise<string> {
  const root = join(dir, name);
  await makeTree(root, spec);
  return root;
}

describe('writeLayerZip', () => {
  it('writes modes, dates and symlinks that Info-ZIP reads back', async () => {
    const root = await build();
    const zipPath = join(dir, 'layer.zip');
    const info = await writeLayerZip(root, zipPath);

    const modes = zipinfoModes(zipPath);
    expect(Object.fromEntries([...modes].map(([name, m]) => [name, m.perms]))).toEqual({
      'a-b.txt': '-rw-r--r--',
      'a/': 'drwxr-xr-x',
      'a/z.txt': '-rw-r--r--',
      'bin/': 'drwxr-xr-x',
      'bin/tool': '-rwxr-xr-x',
      'lib/': 'drwxr-xr-x',
      'lib/dangling.so': 'lrwxrwxrwx',
      'lib/libfoo.so': 'lrwxrwxrwx',
      'lib/libfoo.so.1': 'lrwxrwxrwx',
      'lib/libfoo.so.1.2.3': '-rw-r--r--',
      'python/': 'drwxr-xr-x',
      'python/pkg-data': 'lrwxrwxrwx',
      'python/pkg/': 'drwxr-xr-x',
      'python/pkg/__init__.py': '-rw-r--r--',
      'python/pkg/_speedups.so': '-rwxr-xr-x',
      'python/pkg/alias': 'lrwxrwxrwx',
      'share/': 'drwxr-xr-x',
      'share/private/': 'drwxr-xr-x',
    });
    for (const { date } of modes.values()) expect(date).toBe('80-Jan-01 00:00');
    expect(run('unzip', ['-tq', zipPath])).toContain('No errors detected');

    // zipinfo's totals agree with what the writer returned.
    const totals = run('zipinfo', ['-t', zipPath]);
    expect(totals).toContain(`18 files, ${info.unzippedBytes} bytes uncompressed`);
    expect(info.fileCount).toBe(11);
    expect(info.zippedBytes).toBe((await stat(zipPath)).size);
    expect(info.sha256).toBe(await sha256File(zipPath));
    expect(Buffer.from(info.codeSha256, 'base64').toString('hex')).toBe(info.sha256);
  });

  it('is read the same way by Python zipfile: sorted names, unix modes, 1980 dates, link bodies', async () => {
    const root = await build();
    const zipPath = join(dir, 'layer.zip');
    await writeLayerZip(root, zipPath);
    const entries = python<{ name: string; mode: number; system: number; date: number[]; body: string }[]>(
      `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([{"name": i.filename, "mode": i.external_attr >> 16, "system": i.create_system,
  "date": list(i.date_time), "body": z.read(i).decode("latin-1") if (i.external_attr >> 16) & 0o170000 == 0o120000 else ""}
  for i in z.infolist()]))
`,
      [zipPath],
    );
    const names = entries.map((e) => e.name);
    const byteOrder = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(names).toEqual(byteOrder);
    expect(names[0]).toBe('a-b.txt');
    for (const entry of entries) {
      expect(entry.system).toBe(3);
      expect(entry.date).toEqual([1980, 1, 1, 0, 0, 0]);
    }
    const get = (name: string) => entries.find((e) => e.name === name);
    expect(get('python/pkg/__init__.py')?.mode).toBe(0o100644);
    expect(get('python/pkg/_speedups.so')?.mode).toBe(0o100755);
    expect(get('share/private/')?.mode).toBe(0o040755);
    expect(get('lib/libfoo.so')?.mode).toBe(0o120777);
    expect(get('lib/libfoo.so')?.body).toBe('libfoo.so.1');
    expect(get('python/pkg-data')?.body).toBe('pkg');
  });

  it('recreates symlinks as symlinks and every file world-readable when unzip extracts it', async () => {
    const root = await build();
    const zipPath = join(dir, 'layer.zip');
    await writeLayerZip(root, zipPath);
    const out = join(dir, 'extracted');
    run('unzip', ['-q', zipPath, '-d', out]);

    for (const [link, target] of [
      ['lib/libfoo.so', 'libfoo.so.1'],
      ['lib/libfoo.so.1', 'libfoo.so.1.2.3'],
      ['python/pkg-data', 'pkg'],
      ['lib/dangling.so', 'libgone.so.9'],
    ] as const) {
      expect((await lstat(join(out, link))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(out, link))).toBe(target);
    }
    expect(await readFile(join(out, 'lib/libfoo.so'), 'utf8')).toBe('not really a library\n'.repeat(100));
    expect((await stat(join(out, 'python/pkg/__init__.py'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(out, 'python/pkg/_speedups.so'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'bin/tool'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'share/private'))).mode & 0o777).toBe(0o755);
  });

  it('gives the same bytes for the same tree: other path, new mtimes, another timezone', async () => {
    const first = await build(layer, 'one');
    const a = await writeLayerZip(first, join(dir, 'a.zip'));
    const again = await writeLayerZip(first, join(dir, 'again.zip'));
    expect(again.sha256).toBe(a.sha256);

    const second = join(dir, 'two');
    await cp(first, second, { recursive: true, verbatimSymlinks: true });
    const when = new Date('2031-07-04T15:16:17Z');
    for (const path of ['python/pkg/__init__.py', 'bin/tool', 'lib', 'share/private', '.']) {
      await utimes(join(second, path), when, when);
    }
    const savedTz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // Proves the zone change took effect in this process before relying on it.
      expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(300);
      const b = await writeLayerZip(second, join(dir, 'b.zip'));
      expect(b.sha256).toBe(a.sha256);
      expect(await sha256File(join(dir, 'b.zip'))).toBe(a.sha256);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });

  it.each([
    [
      'an absolute symlink',
      { 'lib/libz.so': { link: '/usr/lib/x86_64-linux-gnu/libz.so.1' } },
      'lib/libz.so -> /usr/lib/x86_64-linux-gnu/libz.so.1 is absolute',
    ],
    [
      'a symlink climbing out',
      { 'python/x/escape': { link: '../../../etc/passwd' } },
      'python/x/escape -> ../../../etc/passwd climbs out of the layer',
    ],
  ] as const)('refuses %s and leaves nothing behind', async (_what, spec, message) => {
    const root = await build({ 'bin/tool': { file: 'x', mode: 0o755 }, ...spec });
    const out = join(dir, 'out');
    await mkdir(out);
    const error = await writeLayerZip(root, join(out, 'layer.zip')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toContain(message);
    expect((error as JobFailedError).exitCode).toBe(1);
    expect(await readdir(out)).toEqual([]);
  });

  it('stops on abort mid-write, leaving neither the zip nor its temporary file', async () => {
    const root = await build({
      'data/noise.bin': { file: randomBytes(48 * 1024 * 1024) },
      'data/z.txt': { file: 'z' },
    });
    const out = join(dir, 'out');
    await mkdir(out);
    const controller = new AbortController();
    let sawPartialZip = false;
    // Abort once the temporary zip holds bytes: the writer is provably mid-way.
    const poll = setInterval(() => {
      void (async () => {
        for (const name of await readdir(out)) {
          const size = (await stat(join(out, name)).catch(() => undefined))?.size ?? 0;
          if (name.endsWith('.tmp') && size > 0 && !controller.signal.aborted) {
            sawPartialZip = true;
            controller.abort();
          }
        }
      })();
    }, 2);
    try {
      const error = await writeLayerZip(root, join(out, 'layer.zip'), {
        signal: controller.signal,
        level: 9,
      }).catch((e: unknown) => e);
      expect(sawPartialZip).toBe(true);
      expect(error).toBeInstanceOf(InterruptedError);
    } finally {
      clearInterval(poll);
    }
    expect(await readdir(out)).toEqual([]);
  });

  it('does not start when the signal has already fired', async () => {
    const root = await build({ 'a.txt': { file: 'a' } });
    const controller = new AbortController();
    controller.abort();
    await expect(
      writeLayerZip(root, join(dir, 'layer.zip'), { signal: controller.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect((await readdir(dir)).filter((n) => n !== 'tree')).toEqual([]);
  });

  it('stores non-ASCII names as UTF-8 that Python reads back exactly', async () => {
    const root = await build({
      'share/données/café.txt': { file: 'crème\n' },
      'share/日本.txt': { file: 'x' },
    });
    const zipPath = join(dir, 'utf8.zip');
    await writeLayerZip(root, zipPath);
    const names = python<[string, boolean][]>(
      'import json,sys,zipfile; print(json.dumps([[i.filename, bool(i.flag_bits & 0x800)] for i in zipfile.ZipFile(sys.argv[1]).infolist()]))',
      [zipPath],
    );
    expect(names).toEqual([
      ['share/', false],
      ['share/données/', true],
      ['share/données/café.txt', true],
      ['share/日本.txt', true],
    ]);
  });

  it('stores level 0 zips that Info-ZIP and Python still read', async () => {
    const root = await build({ 'python/m.py': { file: 'x = 1\n'.repeat(1000) } });
    const zipPath = join(dir, 'stored.zip');
    const info = await writeLayerZip(root, zipPath, { level: 0 });
    expect(run('zipinfo', [zipPath])).toMatch(/stor .* python\/m\.py/);
    expect(info.zippedBytes).toBeGreaterThan(6000);
    const body = python<string>(
      'import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).read("python/m.py").decode()))',
      [zipPath],
    );
    expect(body).toBe('x = 1\n'.repeat(1000));
  });

  it('stores formats that are compressed already, as zip -n does, and deflates the rest', async () => {
    const noise = randomBytes(64 * 1024).toString('base64');
    const root = await build({
      'share/data.csv.gz': { file: gzipSync(noise) },
      'share/logo.PNG': { file: noise },
      'share/data.csv': { file: noise },
      'share/gz/readme': { file: noise },
      // Past the size that is read whole: streamed, and stored all the same.
      'share/big.whl': { file: randomBytes(600 * 1024) },
    });
    const zipPath = join(dir, 'mixed.zip');
    await writeLayerZip(root, zipPath);
    const listing = run('zipinfo', [zipPath]);
    expect(listing).toMatch(/stor .* share\/data\.csv\.gz$/m);
    expect(listing).toMatch(/stor .* share\/logo\.PNG$/m);
    expect(listing).toMatch(/defN .* share\/data\.csv$/m);
    expect(listing).toMatch(/defN .* share\/gz\/readme$/m);
    expect(listing).toMatch(/stor .* share\/big\.whl$/m);
    expect(run('unzip', ['-tq', zipPath])).toContain('No errors detected');
  });
});
