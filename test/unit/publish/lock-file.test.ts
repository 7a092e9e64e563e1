import { readFile, readdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  currentEntries,
  lockFilePath,
  mergeLockEntries,
  readLockFile,
  recordInLockFile,
  serializeLockFile,
  type LockFile,
} from '../../../src/core/publish/lock-file.js';
import { join } from 'node:path';
import { lockEntry } from '../../support/lock-entries.js';
import { tempDir } from '../../support/temp-dir.js';

const entry = lockEntry;
const empty: LockFile = { lockfileVersion: 2, layers: [] };

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
    expect(back.layers[0]?.publishedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('keeps the same layer name in two accounts apart', () => {
    const lock = mergeLockEntries(empty, [
      entry('a', 'us-east-1', 1, { account: '111111111111' }),
      entry('a', 'us-east-1', 1, { account: '222222222222' }),
    ]);
    expect(currentEntries(lock).map((e) => e.account)).toEqual(['111111111111', '222222222222']);
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
      lockfileVersion: 2,
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
      'account',
      'layerVersion',
      'layerVersionArn',
      'current',
      'recipe',
      'recipeVersion',
      'runtimes',
      'arch',
      'sha256',
      'codeSha256',
      'inputsDigest',
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
    await writeFile(lockFilePath(dir), JSON.stringify({ lockfileVersion: 2, layers: [{ layerName: 3 }] }));
    await expect(readLockFile(lockFilePath(dir))).rejects.toThrow(/not a layerforge lock file/);
    await writeFile(lockFilePath(dir), JSON.stringify({ lockfileVersion: 3, layers: [] }));
    await expect(readLockFile(lockFilePath(dir))).rejects.toThrow(/newer than this layerforge reads/);
    await expect(readLockFile(join(dir, 'absent.json'), 'error')).rejects.toThrow(/no lock file at/);
  });

  it('reads a version 1 file: the account from each ARN, the inputs digest unknown', async () => {
    const dir = await tempDir('lf-lock-');
    const {
      account: _account,
      inputsDigest: _inputs,
      ...v1
    } = entry('a', 'eu-west-1', 3, {
      account: '210987654321',
    });
    await writeFile(lockFilePath(dir), JSON.stringify({ lockfileVersion: 1, layers: [v1] }));
    const lock = await readLockFile(lockFilePath(dir));
    expect(lock.lockfileVersion).toBe(2);
    expect(lock.layers).toEqual([{ ...v1, account: '210987654321', inputsDigest: null }]);
    // Written back as version 2; publishing the same version again fills in the digest it knows.
    const again = mergeLockEntries(lock, [entry('a', 'eu-west-1', 3, { account: '210987654321' })]);
    expect(again.layers[0]?.inputsDigest).toBe('inputs-3');
    expect(JSON.parse(serializeLockFile(again)).lockfileVersion).toBe(2);

    await writeFile(
      lockFilePath(dir),
      JSON.stringify({ lockfileVersion: 1, layers: [{ ...v1, layerVersionArn: 'not-an-arn' }] }),
    );
    await expect(readLockFile(lockFilePath(dir))).rejects.toThrow(/layers\.0\.layerVersionArn/);
  });
});
