import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../src/core/errors.js';
import { findCulprits } from '../../../src/core/prune/culprits.js';
import type { RuleToggle } from '../../../src/core/prune/types.js';
import { testJob } from '../../support/job-context.js';

/** Rules that only flip a flag, and a test that fails when any "breaking" rule is applied. */
function fixture(names: string[], breaking: string[]) {
  const log: string[] = [];
  const toggles: RuleToggle[] = names.map((name) => ({
    name,
    bytesSaved: 1,
    changes: 1,
    applied: false,
    revert: async () => void log.push(`revert ${name}`),
    reapply: async () => void log.push(`apply ${name}`),
  }));
  const applied = () => toggles.filter((t) => t.applied).map((t) => t.name);
  const test = async () => {
    const failed = applied().filter((n) => breaking.includes(n));
    return { ok: failed.length === 0, failed: failed.map((n) => `needs ${n} reverted`), details: [] };
  };
  return { toggles, applied, test, log };
}

describe('findCulprits', () => {
  it('runs the tests once when they pass with every rule', async () => {
    const f = fixture(['a', 'b', 'c'], []);
    const search = await findCulprits(f.toggles, f.test, testJob());
    expect(search).toEqual({ culprits: [], testRuns: 1 });
    expect(f.applied()).toEqual(['a', 'b', 'c']);
  });

  it('finds one culprit among many, reverts only it, and leaves the good rules applied', async () => {
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'];
    const f = fixture(names, ['r6']);
    const search = await findCulprits(f.toggles, f.test, testJob());
    expect(search.culprits.map((c) => c.name)).toEqual(['r6']);
    expect(f.applied()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r7', 'r8']);
    // all + baseline + log2(8) bisection + the check of the rest: far fewer than one run per rule.
    expect(search.testRuns).toBe(6);
  });

  it('finds several culprits, first and last included', async () => {
    const f = fixture(['a', 'b', 'c', 'd', 'e'], ['a', 'c', 'e']);
    const search = await findCulprits(f.toggles, f.test, testJob());
    expect(search.culprits.map((c) => c.name)).toEqual(['a', 'c', 'e']);
    expect(f.applied()).toEqual(['b', 'd']);
    expect((await f.test()).ok).toBe(true);
  });

  it('fails the build when the tests fail with no rule applied: pruning is not to blame', async () => {
    const f = fixture(['a', 'b'], []);
    const broken = async () => ({ ok: false, failed: ['always'], details: ['✗ always: exit 1'] });
    const error = await findCulprits(f.toggles, broken, testJob()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toMatch(/fail even with no pruning rule applied: always/);
    expect((error as JobFailedError).details).toEqual(['✗ always: exit 1']);
  });

  it('reports its progress and stops when aborted', async () => {
    const f = fixture(['a', 'b'], ['b']);
    const messages: string[] = [];
    await findCulprits(f.toggles, f.test, { ...testJob(), onProgress: (m) => messages.push(m) });
    expect(messages).toEqual([
      'smoke test(s) failed with 2 pruning rule(s) applied (needs b reverted): looking for the rule(s) to revert',
      'reverting b: the smoke tests fail with it applied',
    ]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      findCulprits(fixture(['a'], []).toggles, f.test, { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
