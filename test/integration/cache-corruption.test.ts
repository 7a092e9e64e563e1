// A cache entry whose zip lost one bit on disk is not reused: it is detected against its
// manifest, reported, and rebuilt on the real engine.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const artifact = 'hello-1.0.0-provided.al2023-x86_64.zip';
const shared = sharedTempDir('layerforge-it-cache-');
let work = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' };
});

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const cacheHit = (events: LayerforgeEvent[]) =>
  events.flatMap((e) => (e.type === 'build.cache' ? [e.hit] : []));

describe('a corrupted cache entry', () => {
  it('with one flipped byte is detected, reported and rebuilt', async () => {
    const build = () => runLayerforge(['build', 'hello', '--json', '--out', 'dist'], { cwd: work, env });
    const first = await build();
    expect(first.code, first.stderr).toBe(0);
    const [key = ''] = await readdir(join(work, 'cache', 'builds'));
    const cachedZip = join(work, 'cache', 'builds', key, artifact);
    const good = await sha256(cachedZip);

    const again = await build();
    expect(cacheHit(again.events)).toEqual([true]);

    const bytes = await readFile(cachedZip);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x10;
    await writeFile(cachedZip, bytes);
    const corrupted = await sha256(cachedZip);
    expect(corrupted).not.toBe(good);

    const rebuilt = await build();
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'corrupt-cache-entry',
        message: expect.stringContaining(`its zip's sha256 is ${corrupted}, its manifest says ${good}`),
      }),
    );
    expect(cacheHit(rebuilt.events)).toEqual([false]);
    // The build is deterministic: the rebuilt entry and the published zip are the good bytes again.
    expect(await sha256(cachedZip)).toBe(good);
    expect(await sha256(join(work, 'dist', artifact))).toBe(good);
  }, 600_000);
});
