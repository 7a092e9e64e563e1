import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory, historyRecord } from '../../../bench/history.js';
import { benchFigures } from '../../support/bench-figures.js';
import { tempDir } from '../../support/temp-dir.js';

describe('historyRecord', () => {
  it('holds the commit, date, machine and every figure as a flat name → number map', () => {
    const record = historyRecord(benchFigures(), 'a'.repeat(40), false, ['cold', 'startup']);
    expect(record).toMatchObject({
      commit: 'a'.repeat(40),
      dirty: false,
      date: '2026-12-01T00:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'Test CPU' },
      parts: ['cold', 'startup'],
    });
    expect(record.figures).toMatchObject({
      'cold.layerforge.s': 32,
      'cold.naive.s': 21,
      'warm.layerforge.s': 26,
      'cold.step.build.ms': 21_000,
      'cold.step.other.ms': 32_000 - 200 - 21_000 - 5_000,
      'startup.node22.23.5.version.s': 0.12,
      'audit.ms': 2400,
      'zip.infozip.s': 6,
      'ci.s': 1001,
    });
    expect(Object.values(record.figures).every(Number.isFinite)).toBe(true);
    expect(record.goals).toMatchObject({ cold: false, 'version@22': true, ci: true });
  });

  it('adds the variants’ figures and leaves out what a partial run did not measure', () => {
    const record = historyRecord(
      benchFigures({
        goals: {},
        zip: undefined,
        recipes: [
          {
            name: 'pandas',
            version: '2.3.3',
            runtime: 'python3.11',
            importStatement: 'import pandas',
            variants: [
              {
                id: 'c',
                size: {
                  unzippedBytes: 10,
                  zippedBytes: 4,
                  files: 1,
                  breakdown: { vendoredLibs: 0, sharedObjects: 0, bytecode: 0, sources: 10, other: 0 },
                },
                smoke: { passed: 1, total: 1, failed: [] },
                importMs: [300, 100, 200],
                buildSeconds: 27,
                rebuildSeconds: 0.6,
              },
            ],
          },
        ],
      }),
      'b'.repeat(40),
      true,
      ['variants'],
    );
    expect(record.figures).toEqual({
      'pandas.c.unzipped.bytes': 10,
      'pandas.c.zipped.bytes': 4,
      'pandas.c.build.s': 27,
      'pandas.c.import.ms': 200,
      'pandas.c.rebuild.s': 0.6,
    });
    expect(record.goals).toEqual({});
  });

  it('appends one JSON line per run', async () => {
    const file = join(await tempDir(), 'history.jsonl');
    await appendHistory(file, historyRecord(benchFigures(), 'a'.repeat(40), false, ['cold']));
    await appendHistory(file, historyRecord(benchFigures(), 'b'.repeat(40), false, ['cold']));
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => (JSON.parse(l) as { commit: string }).commit)).toEqual([
      'a'.repeat(40),
      'b'.repeat(40),
    ]);
  });
});
