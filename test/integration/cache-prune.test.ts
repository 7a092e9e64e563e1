import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEntryProblem, type CacheEntry } from '../../src/core/builder/cache.js';
import type { CacheContents } from '../../src/core/cache/manage.js';
import { LABELS } from '../../src/core/engine/container-engine.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { buildContext } from '../../src/core/engine/tar-context.js';
import { DAY, fixtureRootfs } from '../support/cache-fixture.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge, type CliRun } from '../support/run-cli.js';

// `cache` on real built entries (hello on the debian12 stand-in, built into a private cache
// folder through $XDG_CACHE_HOME) and on images this file builds in the machine's engine under a
// base name of its own, so `--base` keeps every other image of the engine out of reach.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const engine = new DockerEngine();
const BASE = `lfcachetest${randomBytes(4).toString('hex')}`;
let work = '';

beforeAll(async () => {
  requireDocker();
  work = await mkdtemp(join(tmpdir(), 'lf-it-cache-'));
});
afterAll(async () => {
  // Only what this file made: its containers and its images.
  for (const id of execFileSync('docker', ['ps', '-aq', '--filter', `label=lfcachetest=${BASE}`], {
    encoding: 'utf8',
  }).split('\n')) {
    if (id) spawnSync('docker', ['rm', '-f', id]);
  }
  for (const tag of execFileSync(
    'docker',
    ['images', '--format', '{{.Repository}}:{{.Tag}}', `layerforge/${BASE}-runtime`],
    { encoding: 'utf8' },
  ).split('\n')) {
    if (tag) spawnSync('docker', ['rmi', tag]);
  }
  spawnSync('tmux', ['-L', `lf-cache-${process.pid}`, 'kill-server']);
  if (work) await rm(work, { recursive: true, force: true });
});

function cli(xdg: string, args: string[]): Promise<CliRun> {
  return runLayerforge(args, { cwd: work, env: { XDG_CACHE_HOME: xdg } });
}

function build(xdg: string, extra: string[] = []): Promise<CliRun> {
  return cli(xdg, ['build', 'hello', '--base', 'debian12', '--out', join(xdg, 'dist'), '--json', ...extra]);
}

async function contents(xdg: string): Promise<CacheContents> {
  const run = await cli(xdg, ['cache', 'list', '--no-images', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CacheContents;
}

/** Sets every mtime under `path` `ms` back: an entry last used that long ago. */
async function ageTree(path: string, ms: number): Promise<void> {
  const when = new Date(Date.now() - ms);
  if ((await lstat(path)).isDirectory())
    for (const name of await readdir(path)) await ageTree(join(path, name), ms);
  await utimes(path, when, when);
}

function entryOf(dir: string, files: string[]): CacheEntry {
  const zip = files.find((f) => f.endsWith('.zip')) ?? '';
  return { dir, zip: join(dir, zip), manifest: join(dir, zip.replace(/\.zip$/, '.manifest.json')) };
}

describe('cache on real built entries', () => {
  it('prune --keep-last 1 keeps the most recently used build of hello; a cache hit marks its entry used', async () => {
    const xdg = join(work, 'keep-last');
    const first = await build(xdg, ['--prune', 'none']);
    expect(first.code, first.stderr).toBe(0);
    const second = await build(xdg);
    expect(second.code, second.stderr).toBe(0);
    const built = (await contents(xdg)).listing.items.filter((i) => i.kind === 'build');
    expect(built).toHaveLength(2);
    expect(new Set(built.map((i) => i.group)).size).toBe(1);
    // The --prune none build was last used three days ago, the other one yesterday.
    const key = first.events.find((e) => e.type === 'build.cache');
    const older = built.find((i) => key?.type === 'build.cache' && i.paths[0]?.endsWith(key.key));
    const newer = built.find((i) => i !== older);
    expect(older && newer).toBeTruthy();
    for (const path of older?.paths ?? []) await ageTree(path, 3 * DAY);
    for (const path of newer?.paths ?? []) await ageTree(path, DAY);

    const prune = await cli(xdg, ['cache', 'prune', '--keep-last', '1', '--json']);
    expect(prune.code, prune.stderr).toBe(0);
    const kept = (await contents(xdg)).listing.items.filter((i) => i.kind === 'build');
    expect(kept.map((i) => i.paths[0])).toEqual([newer?.paths[0]]);
    expect(existsSync(older?.paths[0] ?? '')).toBe(false);
    // The kept entry is whole: its zip is the one its manifest describes.
    const dir = newer?.paths[0] ?? '';
    expect(await cacheEntryProblem(entryOf(dir, await readdir(dir)))).toBeUndefined();

    // A hit on the kept entry touches it: listed as used just now, so neither prune nor clean takes it.
    const hit = await build(xdg);
    expect(hit.events).toContainEqual(expect.objectContaining({ type: 'build.cache', hit: true }));
    expect((await contents(xdg)).listing.items.find((i) => i.kind === 'build')?.inUse).toBe('used just now');
  });

  it('a clean run again and again while a build runs never breaks the build', async () => {
    const xdg = join(work, 'concurrent');
    const old = await fixtureRootfs(join(xdg, 'layerforge'), 'debian12', 'x86_64', 40 * DAY);
    let done = false;
    const building = build(xdg).finally(() => (done = true));
    const cleans: CliRun[] = [];
    // As many cleans as fit in the build; each lists the folder afresh and removes what it may.
    while (!done) cleans.push(await cli(xdg, ['cache', 'clean', '--yes', '--json']));
    const result = await building;
    expect(result.code, result.stderr).toBe(0);
    expect(cleans.length).toBeGreaterThan(1);
    expect(cleans.filter((c) => c.code !== 0).map((c) => c.stderr)).toEqual([]);
    expect(existsSync(old)).toBe(false);
    const finished = result.events.find((e) => e.type === 'build.done');
    expect(finished?.type === 'build.done' && existsSync(finished.zipPath)).toBe(true);
    // Its entry survived every clean: written, then used (copied out) just now.
    const entry = (await contents(xdg)).listing.items.find((i) => i.kind === 'build');
    expect(entry?.inUse).toBe('used just now');
  });
});

describe('cache and the images layerforge built', () => {
  const tag = (n: number) => `layerforge/${BASE}-runtime:${String(n).repeat(16)}-x86_64`;

  beforeAll(async () => {
    for (const n of [1, 2, 3]) {
      await engine.buildImage(
        buildContext({ Dockerfile: 'FROM scratch\nCOPY n /n\n', n: `${BASE} ${n}\n` }),
        { tag: tag(n), labels: { [LABELS.managed]: 'true', lfcachetest: BASE } },
        () => {},
      );
    }
  }, 120_000);

  it('lists them, prunes all but the newest of their group, and never removes one a container uses', async () => {
    const xdg = join(work, 'images');
    const listed = await cli(xdg, ['cache', 'list', '--json']);
    const images = (JSON.parse(listed.stdout) as CacheContents).images?.filter((i) => i.base === BASE) ?? [];
    expect(images.map((i) => [i.kind, i.arch, i.tags[0]])).toEqual([
      ['runtime', 'x86_64', tag(3)],
      ['runtime', 'x86_64', tag(2)],
      ['runtime', 'x86_64', tag(1)],
    ]);

    const prune = await cli(xdg, [
      'cache',
      'prune',
      '--images',
      '--base',
      BASE,
      '--keep-last',
      '1',
      '--json',
    ]);
    expect(prune.code, prune.stderr).toBe(0);
    const removed = (JSON.parse(prune.stdout) as { removed: { images: { name: string; outcome: string }[] } })
      .removed;
    expect(removed.images).toEqual([
      expect.objectContaining({ name: tag(2), outcome: 'removed' }),
      expect.objectContaining({ name: tag(1), outcome: 'removed' }),
    ]);
    expect(await engine.imageId(tag(1))).toBeUndefined();
    expect(await engine.imageId(tag(3))).toBeDefined();

    // A container of the last one (created, as a build's would be): clean leaves the image.
    const container = await engine.createContainer({
      image: tag(3),
      entrypoint: ['/n'],
      command: [],
      env: {},
      labels: { lfcachetest: BASE },
    });
    const refused = await cli(xdg, ['cache', 'clean', '--images', '--base', BASE, '--yes', '--json']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      removed: { images: [{ name: tag(3), outcome: 'in-use' }] },
    });
    expect(await engine.imageId(tag(3))).toBeDefined();
    await engine.removeContainer(container);
    const cleaned = await cli(xdg, ['cache', 'clean', '--images', '--base', BASE, '--yes']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await engine.imageId(tag(3))).toBeUndefined();
  });
});

describe('cache clean in a real terminal', () => {
  const socket = `lf-cache-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

  async function screenUntil(target: string, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', target);
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}:\n${screen}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it.each([
    ['y', /LAYERFORGE_EXIT=0/, false],
    ['n', /not confirmed: nothing was removed\s+LAYERFORGE_EXIT=1/, true],
  ])('asks before removing; answering %s', async (answer, outcome, kept) => {
    if (!existsSync(join(repo, 'lib', 'commands', 'cache.js')))
      throw new Error('run `npm run build` first (`npm test` does)');
    const xdg = join(work, `tty-${answer}`);
    const tarball = await fixtureRootfs(join(xdg, 'layerforge'), 'debian12', 'arm64', 40 * DAY);
    const name = `clean-${answer}`;
    const command = `env -u CI XDG_CACHE_HOME='${xdg}' node '${join(repo, 'bin', 'layerforge.js')}' cache clean; echo "LAYERFORGE_EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '20', command);
    const question = await screenUntil(`${name}:0.0`, /\[y\/N\]/);
    expect(question).toMatch(
      /remove 1 item\(s\), [\d.]+ KB, from the cache folder \(.*tty-.\/layerforge\)\? \[y\/N\]/,
    );
    tmux('send-keys', '-t', `${name}:0.0`, answer, 'Enter');
    await screenUntil(`${name}:0.0`, outcome);
    expect(existsSync(tarball)).toBe(kept);
  });
});
