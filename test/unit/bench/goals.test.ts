import { describe, expect, it } from 'vitest';
import { auditMs } from '../../../bench/audit-zip.js';
import { evaluateGoals, goalsTable } from '../../../bench/goals.js';
import { coldFigures, goalFigures, startupFigures, zipComparison } from '../../support/bench-figures.js';

const MiB = 1024 * 1024;
const row = (rows: ReturnType<typeof evaluateGoals>, key: string) => {
  const found = rows.find((r) => r.key === key);
  if (!found) throw new Error(`no row ${key} in ${rows.map((r) => r.key).join(', ')}`);
  return found;
};

describe('evaluateGoals', () => {
  it('gives every row of the goals table in order, one start-up row per Node', () => {
    const rows = evaluateGoals(goalFigures(), zipComparison());
    expect(rows.map((r) => r.key)).toEqual([
      'cold',
      'warm',
      'hit@20',
      'hit@22',
      'version@20',
      'version@22',
      'list@20',
      'list@22',
      'zip',
      'audit',
      'size',
      'rss',
      'ci',
    ]);
  });

  it('compares medians: ours over theirs, met at the limit and not above it', () => {
    const rows = evaluateGoals({ cold: coldFigures() }, undefined);
    const cold = row(rows, 'cold');
    expect(cold.value).toBeCloseTo(32 / 21);
    expect(cold.met).toBe(false);
    const even = evaluateGoals(
      { cold: coldFigures({ layerforgeSeconds: [20, 22], naiveSeconds: [22, 20] }) },
      undefined,
    );
    expect(row(even, 'cold').met).toBe(true);
    expect(row(even, 'cold').score).toBeCloseTo(1);
  });

  it('judges start-up against node -e 0 with each row its own limit', () => {
    const rows = evaluateGoals({ startup: [startupFigures()] }, undefined);
    expect(row(rows, 'version@20')).toMatchObject({ met: true, goal: '≤ 1.5×' });
    expect(row(rows, 'version@20').value).toBeCloseTo(1.4);
    expect(row(rows, 'list@20')).toMatchObject({ met: false, goal: '≤ 2.5×' });
    expect(row(rows, 'hit@20')).toMatchObject({ met: false, goal: '≤ 3×' });
  });

  it('wants zip throughput at least Info-ZIP’s, and the same bytes every run', () => {
    expect(row(evaluateGoals({}, zipComparison({ layerforgeSeconds: 5 })), 'zip').met).toBe(true);
    expect(row(evaluateGoals({}, zipComparison()), 'zip').met).toBe(false);
    expect(
      row(evaluateGoals({}, zipComparison({ layerforgeSeconds: 5, deterministic: false })), 'zip').met,
    ).toBe(false);
  });

  it('meets the audit goal by either seconds or the ratio to unzip -p', () => {
    const audit = goalFigures().audit!;
    expect(row(evaluateGoals({ audit }, undefined), 'audit').met).toBe(false);
    expect(row(evaluateGoals({ audit: { ...audit, auditMs: [1100] } }, undefined), 'audit').met).toBe(true);
    expect(
      row(
        evaluateGoals({ audit: { ...audit, auditWallSeconds: [0.7], unzipSeconds: [1.5] } }, undefined),
        'audit',
      ).met,
    ).toBe(true);
  });

  it('counts the size goal only with every smoke test passing', () => {
    const small = { layerforgeUnzippedBytes: 70 * MiB };
    expect(row(evaluateGoals({ cold: coldFigures(small) }, undefined), 'size').met).toBe(true);
    const failing = coldFigures({ ...small, smoke: { passed: 2, total: 3, failed: ['groupby'] } });
    const size = row(evaluateGoals({ cold: failing }, undefined), 'size');
    expect(size.met).toBe(false);
    expect(size.now).toContain('✗ groupby');
  });

  it('shows the pyc-only size beside the default one, and counts only the default', () => {
    const pycOnly = { unzippedBytes: 70 * MiB, smoke: { passed: 3, total: 3, failed: [] } };
    const size = row(evaluateGoals({ cold: coldFigures({ pycOnly }) }, undefined), 'size');
    expect(size.met).toBe(false);
    expect(size.now).toMatch(
      /with `--bytecode pyc-only` 0\.49× \(70\.0 \/ 143\.0 MB unzipped\), smoke tests 3\/3$/,
    );
  });

  it('takes the highest peak RSS of the builds', () => {
    const rss = row(
      evaluateGoals({ cold: coldFigures({ peakRssBytes: [100 * MiB, 121 * MiB] }) }, undefined),
      'rss',
    );
    expect(rss.value).toBe(121 * MiB);
    expect(rss.met).toBe(false);
  });

  it('says which rows a partial run did not measure, and that the bench never measures CI', () => {
    const rows = evaluateGoals({}, undefined);
    expect(rows.every((r) => r.met === undefined && Number.isNaN(r.score))).toBe(true);
    expect(row(rows, 'ci').now).toMatch(/--ci-seconds/);
    const ci = row(evaluateGoals({ ci: { seconds: 1001, source: 'the lead' } }, undefined), 'ci');
    expect(ci).toMatchObject({ met: true, now: '16 min 41 s (the lead; not measured by the bench)' });
  });

  it('renders one table line per row with yes, no or a dash', () => {
    const lines = goalsTable(evaluateGoals({ ci: { seconds: 1001, source: 'x' } }, undefined));
    expect(lines).toHaveLength(2 + 10);
    expect(lines.at(-1)).toMatch(/\| yes \|$/);
    expect(lines[2]).toMatch(/\| – \|$/);
  });
});

describe('auditMs', () => {
  it('reads the audit’s own milliseconds from `audit --json`', () => {
    expect(auditMs(JSON.stringify({ findings: [], summary: { errors: 0, ms: 5832 } }), '')).toBe(5832);
  });

  it('fails loudly, with stderr, when the output is not that document', () => {
    expect(() => auditMs('{"type":"audit.done"}', 'boom')).toThrow(/no summary.ms:\nboom/);
    expect(() => auditMs('not json', 'boom')).toThrow(/boom/);
  });
});
