import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError, JobFailedError } from '../../../src/core/errors.js';
import { walkLayerTree } from '../../../src/core/layer/tree.js';
import type { LayerTreeEntry } from '../../../src/core/layer/tree.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeTree, run } from './helpers.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-layer-');
});

async function walk(root: string, signal?: AbortSignal): Promise<LayerTreeEntry[]> {
  const entries: LayerTreeEntry[] = [];
  for await (const entry of walkLayerTree(root, { signal })) entries.push(entry);
  return entries;
}

describe('walkLayerTree', () => {
  it('lists entries in the byte order of their zip names, directories as name/', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, {
      'b/x': { file: '' },
      'a/b': { file: '' },
      'a-c': { file: '' },
      a0: { file: '' },
      B: { file: '' },
      é: { file: '' },
      'a/a/deep': { file: '' },
    });
    const paths = (await walk(root)).map((e) => (e.type === 'dir' ? `${e.path}/` : e.path));
    expect(paths).toEqual(['B', 'a-c', 'a/', 'a/a/', 'a/a/deep', 'a/b', 'a0', 'b/', 'b/x', 'é']);
    const sorted = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(paths).toEqual(sorted);
  });

  it('reports type, on-disk mode, size and link target without following links', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, {
      'lib/libz.so.1.3': { file: '12345', mode: 0o600 },
      'lib/libz.so.1': { link: 'libz.so.1.3' },
      'lib/dir-link': { link: '../bin' },
      'bin/run': { file: '#!/bin/sh\n', mode: 0o700 },
    });
    const byPath = new Map((await walk(root)).map((e) => [e.path, e]));
    expect(byPath.get('lib/libz.so.1.3')).toMatchObject({ type: 'file', mode: 0o600, size: 5 });
    expect(byPath.get('lib/libz.so.1')).toMatchObject({
      type: 'symlink',
      size: 'libz.so.1.3'.length,
      linkTarget: 'libz.so.1.3',
    });
    expect(byPath.get('lib/dir-link')).toMatchObject({ type: 'symlink', linkTarget: '../bin' });
    expect(byPath.get('bin/run')).toMatchObject({ type: 'file', mode: 0o700 });
    expect(byPath.get('bin')).toMatchObject({ type: 'dir', size: 0 });
    // The link to bin/ was not followed: nothing listed under it.
    expect([...byPath.keys()].filter((p) => p.startsWith('lib/dir-link/'))).toEqual([]);
  });

  it('allows dangling links that stay inside the layer', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, { 'lib/a/libgone.so': { link: '../libmissing.so.2' } });
    expect((await walk(root)).map((e) => e.path)).toEqual(['lib', 'lib/a', 'lib/a/libgone.so']);
  });

  it.each([
    ['/etc/passwd', 'is absolute'],
    ['../../..', 'climbs out of the layer'],
    ['../../../outside/x', 'climbs out of the layer'],
    ['../b/../../../x', 'climbs out of the layer'],
    ['../../../opt/lib/x', 'climbs out of the layer'],
  ])('refuses lib/a/link -> %s naming the link and its target', async (target, why) => {
    const root = join(dir, 'opt');
    await makeTree(root, { 'lib/a/link': { link: target } });
    const error = await walk(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as Error).message).toBe(
      `symlink lib/a/link -> ${target} ${why}: it would point outside /opt on Lambda`,
    );
  });

  it('refuses what a zip cannot hold, like a named pipe', async () => {
    const root = join(dir, 'opt');
    await mkdir(join(root, 'run'), { recursive: true });
    run('mkfifo', [join(root, 'run', 'fifo')]);
    await expect(walk(root)).rejects.toThrow(/run\/fifo is a device, socket or pipe/);
  });

  it('fails clearly when the staged tree is missing, and stops when aborted', async () => {
    await expect(walk(join(dir, 'missing'))).rejects.toThrow(`no staged layer at ${join(dir, 'missing')}`);
    const root = join(dir, 'opt');
    await makeTree(root, { 'a/b': { file: '' } });
    const controller = new AbortController();
    controller.abort();
    await expect(walk(root, controller.signal)).rejects.toBeInstanceOf(InterruptedError);
  });
});
