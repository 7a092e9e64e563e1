import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DAY, fixtureBuild, fixtureRootfs, fixtureStaging } from '../support/cache-fixture.js';
import { runLayerforge } from './cli-harness.js';
import { tempDir } from '../support/temp-dir.js';

// `cache list|prune|clean` on a cache folder laid out as the builders lay it out, through
// $XDG_CACHE_HOME as a user would point it elsewhere. The engine is not asked (--no-images, or
// no --images), so these need none; the integration test prunes real built entries and images.

let cwd = '';
let xdg = '';
let root = '';
const env = () => ({ XDG_CACHE_HOME: xdg, HOME: cwd });

beforeEach(async () => {
  cwd = await tempDir();
  xdg = await tempDir('lf-xdg-');
  root = join(xdg, 'layerforge');
  for (const [days, runtime] of [
    [1, 'python3.12'],
    [10, 'python3.12'],
    [40, 'python3.12'],
    [50, 'python3.13'],
  ] as const) {
    await fixtureBuild(root, { recipe: 'pandas', runtime, arch: 'x86_64', msAgo: days * DAY, log: true });
  }
  await fixtureRootfs(root, 'debian12', 'arm64', 45 * DAY);
});

const builds = async () => (await readdir(join(root, 'builds'))).length;

describe('layerforge cache', () => {
  it('list shows where the cache is, and each item with its size and age', async () => {
    const run = await runLayerforge(['cache', 'list', '--no-images'], { cwd, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`cache folder ${root}: `);
    expect(run.stdout).toMatch(
      /build\s+pandas 1\.0\.0 python3\.12 x86_64 on debian12\s+[\d.]+ KB\s+10 d ago/,
    );
    expect(run.stdout).toMatch(
      /rootfs\s+debian12 root file system arm64 \([0-9a-f]{16}\)\s+4\.9 KB\s+45 d ago/,
    );
    const json = await runLayerforge(['cache', 'list', '--no-images', '--json'], { cwd, env: env() });
    const parsed = JSON.parse(json.stdout) as { listing: { root: string; items: { kind: string }[] } };
    expect(parsed.listing.root).toBe(root);
    expect(parsed.listing.items.map((i) => i.kind)).toEqual(['build', 'build', 'build', 'build', 'rootfs']);
  });

  it('prune defaults to 30 days, and --keep-last keeps the last N per recipe, runtime, arch and base', async () => {
    const dry = await runLayerforge(['cache', 'prune', '--dry-run'], { cwd, env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would remove 3 item\(s\)/);
    expect(await builds()).toBe(4);

    const kept = await runLayerforge(['cache', 'prune', '--keep-last', '1'], { cwd, env: env() });
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/^removed 2 item\(s\)/);
    // python3.12: the newest stays; python3.13 is the only one of its group; the rootfs is alone too.
    expect(await builds()).toBe(2);
    expect(existsSync(join(root, 'rootfs'))).toBe(true);
    expect((await readdir(join(root, 'logs'))).length).toBe(2);

    const aged = await runLayerforge(['cache', 'prune', '--older-than', '30d', '--json'], {
      cwd,
      env: env(),
    });
    const result = JSON.parse(aged.stdout) as { removed: { items: { outcome: string }[] } };
    expect(result.removed.items.map((r) => r.outcome)).toEqual(['removed', 'removed']);
    expect(await builds()).toBe(1);
  });

  it('clean asks first: without a terminal it needs --yes (exit 2, nothing removed)', async () => {
    const refused = await runLayerforge(['cache', 'clean'], { cwd, env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /error: cache clean deletes, and asks first; there is no terminal to ask on\nhint: add --yes/,
    );
    expect(await builds()).toBe(4);

    const staging = await fixtureStaging(root, process.pid, 3 * DAY);
    const done = await runLayerforge(['cache', 'clean', '--yes'], { cwd, env: env() });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^removed 5 item\(s\)/);
    // A build of this very process is writing there: kept.
    expect(await readdir(join(root, 'builds'))).toEqual([staging.slice(staging.lastIndexOf('/') + 1)]);
  });

  it('refuses a malformed age, and a group without its sub-command', async () => {
    const age = await runLayerforge(['cache', 'prune', '--older-than', '30 days'], { cwd, env: env() });
    expect(age.code).toBe(2);
    expect(age.stderr).toMatch(/--older-than must be a number and a unit/);
    const bare = await runLayerforge(['cache'], { cwd, env: env() });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/cache list/);
    expect(await builds()).toBe(4);
  });
});
