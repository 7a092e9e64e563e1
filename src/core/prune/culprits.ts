import { JobFailedError, throwIfAborted } from '../errors.js';
import type { JobContext } from '../job-context.js';
import type { LayerTester, RuleToggle } from './types.js';

/** Switches rules on and off until exactly `wanted` are applied: reverts first (newest first), then reapplies in order. */
export async function setApplied(
  toggles: readonly RuleToggle[],
  wanted: ReadonlySet<RuleToggle>,
): Promise<void> {
  for (const toggle of [...toggles].reverse()) {
    if (toggle.applied && !wanted.has(toggle)) {
      await toggle.revert();
      toggle.applied = false;
    }
  }
  for (const toggle of toggles) {
    if (!toggle.applied && wanted.has(toggle)) {
      await toggle.reapply();
      toggle.applied = true;
    }
  }
}

/** When the search stops, and where it says what it is doing (plain text: the caller words it as an event). */
export type CulpritSearchIO = Pick<JobContext, 'signal'> & { onProgress?: (message: string) => void };

export interface CulpritSearch {
  /** Rules left reverted: with any one of them applied, a smoke test fails. */
  culprits: RuleToggle[];
  /** How many times the smoke tests ran, the first (all rules) run included. */
  testRuns: number;
}

/**
 * Applies every rule, runs the smoke tests once, and when they fail finds the rules that broke
 * them. The fast path is one test run. Otherwise the tests first run with no rule at all (if they
 * still fail, pruning is not to blame and the build fails), then a binary search over the rules
 * in order finds the first one whose addition breaks the tests; it is reverted, the rules before
 * it are kept, and the search goes on among the rest. That assumes removing more never fixes a
 * test, and costs about log2(n) + 1 runs per culprit. On return exactly the good rules are applied.
 */
export async function findCulprits(
  toggles: readonly RuleToggle[],
  test: LayerTester,
  io: CulpritSearchIO,
): Promise<CulpritSearch> {
  let testRuns = 0;
  const runWith = async (applied: readonly RuleToggle[]) => {
    throwIfAborted(io.signal);
    await setApplied(toggles, new Set(applied));
    testRuns += 1;
    return test();
  };
  const all = await runWith(toggles);
  if (all.ok) return { culprits: [], testRuns };
  io.onProgress?.(
    `smoke test(s) failed with ${toggles.length} pruning rule(s) applied (${all.failed.join(', ')}): looking for the rule(s) to revert`,
  );
  const baseline = await runWith([]);
  if (!baseline.ok) {
    throw new JobFailedError(
      `the smoke tests fail even with no pruning rule applied: ${baseline.failed.join(', ')}`,
      {
        details: baseline.details,
        hint: 'the layer itself is broken: run `layerforge build <recipe> --prune none --test` and read the test output',
      },
    );
  }
  const culprits: RuleToggle[] = [];
  let kept: RuleToggle[] = [];
  let candidates = [...toggles];
  // Invariant: kept passes; kept + candidates fails.
  for (;;) {
    let lo = 0;
    let hi = candidates.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((await runWith([...kept, ...candidates.slice(0, mid)])).ok) lo = mid;
      else hi = mid;
    }
    const culprit = candidates[hi - 1];
    if (culprit === undefined) break;
    culprits.push(culprit);
    io.onProgress?.(`reverting ${culprit.name}: the smoke tests fail with it applied`);
    kept = [...kept, ...candidates.slice(0, hi - 1)];
    candidates = candidates.slice(hi);
    if (candidates.length === 0) break;
    if ((await runWith([...kept, ...candidates])).ok) {
      kept = [...kept, ...candidates];
      break;
    }
  }
  await setApplied(toggles, new Set(kept));
  return { culprits, testRuns };
}
