import { execFileSync } from 'node:child_process';
import { lstat, readFile, readlink, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { stageLayers } from '../../../src/core/invoke/layers.js';
import { tempDir } from '../../support/temp-dir.js';

let work = '';
beforeEach(async () => {
  work = await tempDir('layerforge-layers-');
});

type Entry = { file: string; text: string } | { link: string; to: string } | { dir: string };

/** Writes a zip with Python's zipfile (not our own writer), unix modes and symlinks included. */
async function zip(name: string, entries: Entry[]): Promise<string> {
  const path = join(work, name);
  const spec = join(work, `${name}.json`);
  await writeFile(spec, JSON.stringify(entries));
  execFileSync('python3', [
    '-c',
    `import json, sys, zipfile
entries = json.load(open(sys.argv[2]))
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for e in entries:
        if "dir" in e:
            i = zipfile.ZipInfo(e["dir"] + "/"); i.external_attr = (0o40755 << 16) | 0x10; z.writestr(i, "")
        elif "link" in e:
            i = zipfile.ZipInfo(e["link"]); i.external_attr = 0o120777 << 16; z.writestr(i, e["to"])
        else:
            i = zipfile.ZipInfo(e["file"]); i.external_attr = 0o100644 << 16; z.writestr(i, e["text"])`,
    path,
    spec,
  ]);
  return path;
}

describe('stageLayers: layers land in /opt in order, as Lambda extracts them', () => {
  it("a later layer overwrites an earlier layer's file, and folders merge", async () => {
    const first = await zip('first.zip', [
      { file: 'share/greeting.txt', text: 'from the first layer' },
      { file: 'share/only-first.txt', text: 'kept' },
      { file: 'bin/tool', text: 'first tool' },
    ]);
    const second = await zip('second.zip', [
      { file: 'share/greeting.txt', text: 'from the second layer' },
      { file: 'lib/libx.so', text: 'second lib' },
    ]);
    const opt = join(work, 'opt');
    const applied = await stageLayers([first, second], opt);
    expect(await readFile(join(opt, 'share/greeting.txt'), 'utf8')).toBe('from the second layer');
    expect(await readFile(join(opt, 'share/only-first.txt'), 'utf8')).toBe('kept');
    expect(await readFile(join(opt, 'bin/tool'), 'utf8')).toBe('first tool');
    expect(await readFile(join(opt, 'lib/libx.so'), 'utf8')).toBe('second lib');
    expect(applied).toEqual([
      { zipPath: first, replaced: [] },
      { zipPath: second, replaced: ['share/greeting.txt'] },
    ]);
  });

  it('the order decides: the same two layers the other way round give the other file', async () => {
    const a = await zip('a.zip', [{ file: 'share/greeting.txt', text: 'A' }]);
    const b = await zip('b.zip', [{ file: 'share/greeting.txt', text: 'B' }]);
    await stageLayers([b, a], join(work, 'opt'));
    expect(await readFile(join(work, 'opt/share/greeting.txt'), 'utf8')).toBe('A');
  });

  it('a symlink of an earlier layer is replaced, never written through', async () => {
    const target = join(work, 'outside.txt');
    await writeFile(target, 'untouched');
    const first = await zip('first.zip', [{ link: 'lib/libz.so', to: target }]);
    const second = await zip('second.zip', [{ file: 'lib/libz.so', text: 'a real file now' }]);
    await stageLayers([first, second], join(work, 'opt'));
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect((await lstat(join(work, 'opt/lib/libz.so'))).isFile()).toBe(true);
    expect(await readFile(join(work, 'opt/lib/libz.so'), 'utf8')).toBe('a real file now');
  });

  it('a later symlink replaces a file and stays a symlink', async () => {
    const first = await zip('first.zip', [
      { file: 'lib/libz.so.1', text: 'v1' },
      { file: 'lib/libz.so', text: 'copy' },
    ]);
    const second = await zip('second.zip', [{ link: 'lib/libz.so', to: 'libz.so.1' }]);
    const applied = await stageLayers([first, second], join(work, 'opt'));
    expect(await readlink(join(work, 'opt/lib/libz.so'))).toBe('libz.so.1');
    expect(applied[1]?.replaced).toEqual(['lib/libz.so']);
  });

  it('a file replaces a folder of the same name, and the scratch space is gone afterwards', async () => {
    const first = await zip('first.zip', [{ dir: 'python' }, { file: 'python/mod.py', text: 'x = 1' }]);
    const second = await zip('second.zip', [{ file: 'python', text: 'now a file' }]);
    await stageLayers([first, second], join(work, 'opt'));
    expect(await readFile(join(work, 'opt/python'), 'utf8')).toBe('now a file');
    expect((await readdir(work)).filter((name) => name.startsWith('.layers-'))).toEqual([]);
  });

  it('no layers: an empty /opt', async () => {
    expect(await stageLayers([], join(work, 'opt'))).toEqual([]);
    expect(await readdir(join(work, 'opt'))).toEqual([]);
  });
});
