import { readFile, readdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  currentEntries,
  lockFilePath,
  mergeLockEntries,
  readLockFile,
  recordInLockFile,
  serializeLockFile,
  type LockEntry,
  type LockFile,
} from '../../../src/core/publish/lock-file.js';
import { tempDir } from '../../support/temp-dir.js';

function entry(
  layerName: string,
  region: string,
  layerVersion: number,
  extra: Partial<LockEntry> = {},
): LockEntry {
  return {
    layerName,
    recipe: 'pandas',
    recipeVersion: '2.2.3',
    runtimes: ['python3.12'],
    arch: 'x86_64',
    region,
    layerVersionArn: `arn:aws:lambda:${region}:123456789012:layer:${layerName}:${layerVersion}`,
    layerVersion,
    sha256: String(layerVersion).repeat(64).slice(0, 64),
    codeSha256: 'b64',
    publishedAt: `2024-01-0${layerVersion}T00:00:00.000Z`,
    current: true,
    ...extra,
  };
}
const empty: LockFile = { lockfileVersion: 1, layers: [] };

describe('lock file merge', () => {
  it('sorts by layer, region, version', () => {
    const lock = mergeLockEntries(empty, [
      entry('b', 'us-east-1', 1),
      entry('a', 'us-east-1', 1),
      entry('a', 'eu-west-1', 1),
    ]);
    expect(lock.layers.map((e) => `${e.layerName}/${e.region}`)).toEqual([
      'a/eu-west-1',
      'a/us-east-1',
      'b/us-east-1',
    ]);
  });

  it('keeps history: a new version becomes current, the old one stays', () => {
    const one = mergeLockEntries(empty, [entry('a', 'us-east-1', 1)]);
    const two = mergeLockEntries(one, [entry('a', 'us-east-1', 2)]);
    expect(two.layers.map((e) => [e.layerVersion, e.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(currentEntries(two).map((e) => e.layerVersion)).toEqual([2]);
  });

  it('a reused older version becomes current again (content reverted)', () => {
    const two = mergeLockEntries(mergeLockEntries(empty, [entry('a', 'us-east-1', 1)]), [
      entry('a', 'us-east-1', 2),
    ]);
    const back = mergeLockEntries(two, [
      entry('a', 'us-east-1', 1, { publishedAt: '2099-01-01T00:00:00.000Z' }),
    ]);
    expect(currentEntries(back).map((e) => e.layerVersion)).toEqual([1]);
    // The recorded entry keeps its fields: only `current` moves.
    expect(back.layers[0]?.publishedAt).toBe('2024-01-01T00:00:00.000Z');
  });

  it('leaves other layers and regions alone', () => {
    const start = mergeLockEntries(empty, [
      entry('a', 'us-east-1', 1),
      entry('a', 'eu-west-1', 1),
      entry('b', 'us-east-1', 3),
    ]);
    const next = mergeLockEntries(start, [entry('a', 'us-east-1', 2)]);
    expect(currentEntries(next).map((e) => `${e.layerName}/${e.region}:${e.layerVersion}`)).toEqual([
      'a/eu-west-1:1',
      'a/us-east-1:2',
      'b/us-east-1:3',
    ]);
  });

  it('picks the highest version when a merge left two current entries', () => {
    const lock: LockFile = {
      lockfileVersion: 1,
      layers: [entry('a', 'us-east-1', 4), entry('a', 'us-east-1', 3)],
    };
    expect(currentEntries(lock).map((e) => e.layerVersion)).toEqual([4]);
  });
});

describe('lock file on disk', () => {
  it('writes atomically, stable, and unchanged by a no-op merge', async () => {
    const dir = await tempDir('lf-lock-');
    const path = lockFilePath(dir);
    await recordInLockFile(path, [entry('a', 'us-east-1', 1)]);
    const first = await readFile(path, 'utf8');
    await recordInLockFile(path, [entry('a', 'us-east-1', 1, { publishedAt: 'later' })]);
    expect(await readFile(path, 'utf8')).toBe(first);
    expect(first.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(first).layers[0])).toEqual([
      'layerName',
      'region',
      'layerVersion',
      'layerVersionArn',
      'current',
      'recipe',
      'recipeVersion',
      'runtimes',
      'arch',
      'sha256',
      'codeSha256',
      'publishedAt',
    ]);
    expect(await readdir(dir)).toEqual(['layerforge.lock.json']);
    expect(await readLockFile(path)).toEqual(JSON.parse(serializeLockFile(await readLockFile(path))));
  });

  it('reads a missing file as empty and refuses a damaged one', async () => {
    const dir = await tempDir('lf-lock-');
    expect(await readLockFile(lockFilePath(dir))).toEqual(empty);
    await writeFile(lockFilePath(dir), '{ nope');
    await expect(readLockFile(lockFilePath(dir))).rejects.toThrow(/not valid JSON/);
    await writeFile(lockFilePath(dir), JSON.stringify({ lockfileVersion: 2, layers: [] }));
    await expect(readLockFile(lockFilePath(dir))).rejects.toThrow(/not a layerforge lock file/);
  });
});
