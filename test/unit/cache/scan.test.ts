import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanCache } from '../../../src/core/cache/scan.js';
import { isProcessAlive } from '../../../src/core/engine/leftovers.js';
import {
  DAY,
  HOUR,
  agedFile,
  fixtureBuild,
  fixtureRootfs,
  fixtureStaging,
} from '../../support/cache-fixture.js';

/** A process id no process has (the kernel's ids stop below 2^22). */
const DEAD_PID = 4_194_303;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lf-cache-scan-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scanCache', () => {
  it('is empty for a cache folder that does not exist', async () => {
    const listing = await scanCache(join(root, 'none'));
    expect(listing).toEqual({ root: join(root, 'none'), items: [], bytes: 0 });
  });

  it('says what each item is, from the manifests and the names the writers give', async () => {
    const digest = await fixtureBuild(root, {
      recipe: 'pandas',
      version: '2.3.3',
      runtime: 'python3.12',
      arch: 'arm64',
      msAgo: 3 * DAY,
      zipBytes: 4000,
      log: true,
    });
    const tarball = await fixtureRootfs(root, 'debian12', 'x86_64', 2 * DAY);
    await agedFile(join(root, 'runtime-libraries', `${'a'.repeat(64)}.json`), 40, DAY);
    await agedFile(join(root, 'sources', 'b'.repeat(64), 'jq-1.6.tar.gz'), 900, DAY);
    const dayAgo = new Date(Date.now() - DAY);
    await utimes(join(root, 'sources', 'b'.repeat(64)), dayAgo, dayAgo);
    await agedFile(join(root, 'notes.txt'), 10, DAY);
    const listing = await scanCache(root);
    const summary = listing.items.map((i) => [i.kind, i.what, i.group, i.bytes]);
    expect(summary).toEqual([
      [
        'build',
        'pandas 2.3.3 python3.12 arm64 on debian12',
        'build pandas python3.12 arm64 debian12',
        // The zip, its manifest and its log count as one item.
        expect.any(Number),
      ],
      [
        'rootfs',
        expect.stringMatching(/^debian12 root file system x86_64 \([0-9a-f]{16}\)$/),
        'rootfs debian12 x86_64',
        5000,
      ],
      ['runtime-libraries', 'libraries of runtime image aaaaaaaaaaaa', expect.any(String), 40],
      ['source', 'download jq-1.6.tar.gz (sha256 bbbbbbbbbbbb)', expect.any(String), 900],
      ['other', "not layerforge's: notes.txt", expect.any(String), 10],
    ]);
    const build = listing.items[0];
    expect(build?.paths).toEqual([
      join(root, 'builds', digest),
      expect.stringMatching(/logs\/pandas-2\.3\.3-python3\.12-arm64-[0-9a-f]{12}\.log$/),
    ]);
    expect(build?.bytes).toBeGreaterThan(4000 + 300);
    expect(build?.base).toBe('debian12');
    expect(listing.items[1]?.paths).toEqual([tarball]);
    expect(listing.bytes).toBe(listing.items.reduce((n, i) => n + i.bytes, 0));
    expect(listing.items.every((i) => i.inUse === undefined)).toBe(true);
    // Last used: the newest mtime below the item.
    expect(Date.now() - Date.parse(build?.usedAt ?? '')).toBeGreaterThan(3 * DAY - HOUR);
  });

  it('marks as in use what a live process is writing, what was touched lately, and what was used just now', async () => {
    const live = await fixtureStaging(root, process.pid, 5 * HOUR);
    await agedFile(
      join(root, 'rootfs', 'debian12-0123456789abcdef-arm64.tar.work-AbC123', 'rootfs', 'bin', 'sh'),
      10,
      10_000,
    );
    await agedFile(join(root, 'logs', 'hello-1.0.0-python3.12-x86_64-0123456789ab.log'), 10, 60_000);
    await fixtureBuild(root, { recipe: 'hello', runtime: 'python3.12', arch: 'x86_64', msAgo: 30_000 });
    const listing = await scanCache(root);
    const inUse = Object.fromEntries(
      listing.items.map((i) => [i.kind === 'partial' ? i.paths[0] : i.kind, i.inUse]),
    );
    expect(inUse[live]).toBe('being written');
    expect(inUse[join(root, 'rootfs', 'debian12-0123456789abcdef-arm64.tar.work-AbC123')]).toBe(
      'being written',
    );
    expect(inUse.log).toBe('being written');
    expect(inUse.build).toBe('used just now');
  });

  it('takes what a stopped run left (its process gone, untouched for an hour) as a leftover', async () => {
    expect(isProcessAlive(DEAD_PID)).toBe(false);
    const stale = await fixtureStaging(root, DEAD_PID, 2 * HOUR);
    const listing = await scanCache(root);
    expect(listing.items).toEqual([
      expect.objectContaining({
        kind: 'partial',
        paths: [stale],
        what: expect.stringMatching(/^left by a run that stopped/),
      }),
    ]);
    expect(listing.items[0]?.inUse).toBeUndefined();
  });

  it('keeps a build whose manifest is unreadable, as its own group', async () => {
    await agedFile(join(root, 'builds', 'c'.repeat(64), 'x.zip'), 10, DAY);
    const listing = await scanCache(root);
    expect(listing.items).toEqual([
      expect.objectContaining({
        kind: 'build',
        what: 'build cccccccccccc (no readable manifest)',
        group: join(root, 'builds', 'c'.repeat(64)),
      }),
    ]);
  });
});
