import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import {
  mergeLockEntries,
  serializeLockFile,
  type LockEntry,
  type LockFile,
} from '../../../src/core/publish/lock-file.js';
import { mergeLockFiles, mergeLocks, type LockSource } from '../../../src/core/publish/lock-merge.js';
import { testJob } from '../../support/job-context.js';
import { lockEntry } from '../../support/lock-entries.js';
import { tempDir } from '../../support/temp-dir.js';

const ACCOUNT = '123456789012';

const entry = lockEntry;

const lock = (...layers: LockEntry[]): LockFile => ({ lockfileVersion: 2, layers });
const src = (path: string, l: LockFile): LockSource => ({ path, lock: l });
/** What publishing these versions one after the other records. */
const sequential = (...runs: LockEntry[][]) => runs.reduce(mergeLockEntries, lock());
const current = (l: LockFile) =>
  l.layers.filter((e) => e.current).map((e) => `${e.layerName}/${e.region}:${e.layerVersion}`);

describe('lock merge', () => {
  it('unites partial locks of different layers and regions into what one sequential publish records', () => {
    const a = [entry('alpha', 'us-east-1', 1), entry('alpha', 'eu-west-1', 1)];
    const b = [entry('beta', 'us-east-1', 1)];
    const merged = mergeLocks([src('b.json', sequential(b)), src('a.json', sequential(a))]);
    expect(merged.lock).toEqual(sequential(a, b));
    expect(merged.disagreements).toEqual([]);
  });

  it('collapses identical duplicates, and the order of the inputs never matters', () => {
    const base = sequential([entry('alpha', 'us-east-1', 1)], [entry('beta', 'us-east-1', 1)]);
    const one = mergeLocks([src('a.json', base), src('b.json', base), src('c.json', base)]).lock;
    expect(one).toEqual(base);
    const x = sequential([entry('alpha', 'us-east-1', 1)], [entry('alpha', 'us-east-1', 2)]);
    const y = sequential([entry('alpha', 'us-east-1', 1)], [entry('beta', 'eu-west-1', 4)]);
    expect(serializeLockFile(mergeLocks([src('x', x), src('y', y)]).lock)).toBe(
      serializeLockFile(mergeLocks([src('y', y), src('x', x)]).lock),
    );
  });

  it('from a common base: the job that changed a layer wins over the one that inherited it', () => {
    const base = [entry('alpha', 'us-east-1', 3)];
    // Job 1 publishes new content (version 4); job 2 publishes another layer and leaves alpha alone.
    const job1 = sequential(base, [entry('alpha', 'us-east-1', 4)]);
    const job2 = sequential(base, [entry('beta', 'us-east-1', 1)]);
    const merged = mergeLocks([src('job2.json', job2), src('job1.json', job1)]);
    expect(current(merged.lock)).toEqual(['alpha/us-east-1:4', 'beta/us-east-1:1']);
    expect(merged.lock).toEqual(
      sequential(base, [entry('alpha', 'us-east-1', 4)], [entry('beta', 'us-east-1', 1)]),
    );
    expect(merged.disagreements).toEqual([]);
  });

  it('from a common base: a job that went back to a version the base did not record wins too', () => {
    const base = [entry('alpha', 'us-east-1', 3)];
    const job1 = sequential(base, [entry('alpha', 'us-east-1', 2)]); // reused 2, found in AWS
    const job2 = sequential(base, [entry('beta', 'us-east-1', 1)]);
    const merged = mergeLocks([src('job1.json', job1), src('job2.json', job2)]);
    // job2's claim of 3 is overridden: job1 records 3 as no longer current.
    expect(current(merged.lock)).toEqual(['alpha/us-east-1:2', 'beta/us-east-1:1']);
    expect(merged.disagreements).toEqual([]);
  });

  it('from a base that recorded both: going back is indistinguishable from inheriting, so it warns', () => {
    const base = sequential([entry('alpha', 'us-east-1', 2)], [entry('alpha', 'us-east-1', 3)]);
    const job1 = mergeLockEntries(base, [entry('alpha', 'us-east-1', 2)]);
    const job2 = mergeLockEntries(base, [entry('beta', 'us-east-1', 1)]);
    const merged = mergeLocks([src('job1.json', job1), src('job2.json', job2)]);
    // Each input records the other's claim as not current: no base says which changed.
    expect(current(merged.lock)).toEqual(['alpha/us-east-1:3', 'beta/us-east-1:1']);
    expect(merged.disagreements.map((d) => [d.layer.layerName, d.kept])).toEqual([['alpha', 3]]);
  });

  it('two jobs that changed the same layer at once: the highest version, and a disagreement to warn of', () => {
    const base = [entry('alpha', 'us-east-1', 3)];
    const job1 = sequential(base, [entry('alpha', 'us-east-1', 4)]);
    const job2 = sequential(base, [entry('alpha', 'us-east-1', 5)]);
    const merged = mergeLocks([src('job2.json', job2), src('job1.json', job1)]);
    expect(current(merged.lock)).toEqual(['alpha/us-east-1:5']);
    expect(merged.disagreements).toEqual([
      {
        layer: { account: ACCOUNT, region: 'us-east-1', layerName: 'alpha' },
        claims: [
          { path: 'job1.json', layerVersion: 4 },
          { path: 'job2.json', layerVersion: 5 },
        ],
        kept: 5,
      },
    ]);
  });

  it('keeps accounts apart: the same layer, region and version in two accounts are two entries', () => {
    const a = sequential([entry('alpha', 'us-east-1', 1, { account: '111111111111' })]);
    const b = sequential([entry('alpha', 'us-east-1', 1, { account: '222222222222', codeSha256: 'other' })]);
    const merged = mergeLocks([src('a', a), src('b', b)]).lock;
    expect(merged.layers.map((e) => [e.account, e.current])).toEqual([
      ['111111111111', true],
      ['222222222222', true],
    ]);
  });

  it('refuses two records of one version with different CodeSha256, naming both files (exit 2)', () => {
    const a = sequential([entry('alpha', 'us-east-1', 1)]);
    const b = sequential([entry('alpha', 'us-east-1', 1, { codeSha256: 'different' })]);
    let error: unknown;
    try {
      mergeLocks([src('ci/a.json', a), src('ci/b.json', b)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toBe(
      `ci/a.json and ci/b.json record different content as alpha version 1 in us-east-1 (account ${ACCOUNT}): CodeSha256 code-1 and different`,
    );
    expect((error as UserError).hint).toMatch(/different AWS states/);
  });

  it('refuses other disagreements on a version; an unknown inputs digest agrees and is filled in', () => {
    const a = sequential([entry('alpha', 'us-east-1', 1, { runtimes: ['python3.13'] })]);
    const b = sequential([entry('alpha', 'us-east-1', 1)]);
    expect(() => mergeLocks([src('a', a), src('b', b)])).toThrow(/a and b disagree on .* runtimes/);
    const old = sequential([entry('alpha', 'us-east-1', 1, { inputsDigest: null })]);
    expect(mergeLocks([src('old', old), src('b', b)]).lock.layers[0]?.inputsDigest).toBe('inputs-1');
    expect(mergeLocks([src('b', b), src('old', old)]).lock.layers[0]?.inputsDigest).toBe('inputs-1');
    const other = sequential([entry('alpha', 'us-east-1', 1, { inputsDigest: 'inputs-x' })]);
    expect(() => mergeLocks([src('b', b), src('other', other)])).toThrow(/inputsDigest/);
  });
});

describe('mergeLockFiles', () => {
  it('reads version 1 and 2 files, warns of a disagreement, and refuses a missing file', async () => {
    const dir = await tempDir('lf-lock-merge-');
    const { account: _a, inputsDigest: _i, ...v1 } = entry('alpha', 'us-east-1', 4);
    await writeFile(join(dir, 'old.json'), JSON.stringify({ lockfileVersion: 1, layers: [v1] }));
    await writeFile(
      join(dir, 'new.json'),
      serializeLockFile(sequential([entry('alpha', 'us-east-1', 4)], [entry('alpha', 'us-east-1', 5)])),
    );
    const sibling = serializeLockFile(
      sequential([entry('alpha', 'us-east-1', 4)], [entry('alpha', 'us-east-1', 6)]),
    );
    await writeFile(join(dir, 'sibling.json'), sibling);
    const recorded = recordEvents();
    const merged = await mergeLockFiles(
      ['old.json', 'new.json', 'sibling.json'].map((f) => join(dir, f)),
      testJob({ sink: recorded.sink }),
    );
    expect(merged.layers.map((e) => [e.layerVersion, e.current, e.inputsDigest])).toEqual([
      [4, false, 'inputs-4'],
      [5, false, 'inputs-5'],
      [6, true, 'inputs-6'],
    ]);
    expect(recorded.events).toEqual([
      expect.objectContaining({ type: 'warning', code: 'lock.current-disagrees' }),
    ]);
    await expect(mergeLockFiles([join(dir, 'nope.json')], testJob())).rejects.toThrow(/no lock file at/);
  });
});
