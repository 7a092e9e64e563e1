import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDocs } from '../../../bench/docs.js';
import type { BenchFigures } from '../../../bench/report.js';
import { benchFigures } from '../../support/bench-figures.js';
import { tempDir } from '../../support/temp-dir.js';

/** What `npm run bench -- --render figures.json` does: figures from a JSON file, docs out. */
async function render(figures: BenchFigures): Promise<{ md: string; svg: string }> {
  const repo = await tempDir();
  await mkdir(join(repo, 'work'));
  const saved = join(repo, 'work', 'figures.json');
  await writeFile(saved, JSON.stringify(figures));
  await writeDocs(repo, JSON.parse(await readFile(saved, 'utf8')) as BenchFigures);
  return {
    md: await readFile(join(repo, 'docs', 'benchmarks.md'), 'utf8'),
    svg: await readFile(join(repo, 'docs', 'benchmarks.svg'), 'utf8'),
  };
}

describe('rendering docs/benchmarks.md from figures.json', () => {
  it('writes the goals table, the cold build per step and a chart of both', async () => {
    const { md, svg } = await render(benchFigures());
    expect(md).toContain('## Goals');
    expect(md).toContain(
      '| `layerforge --version` vs `node -e 0`, Node 22.23.5 | 1.20× (0.12 s / 0.10 s, medians of 1) | ≤ 1.5× | yes |',
    );
    expect(md).toMatch(
      /\| cold `build pandas --no-cache` vs the naive script, empty download caches \| 1\.52× .* \| ≤ 1× \| \*\*no\*\* \|/,
    );
    expect(md).toContain(
      '| `.ci/run` on a fresh machine | 16 min 41 s (the last .ci/run; not measured by the bench) | ≤ 25 min | yes |',
    );
    expect(md).toContain("### Where the cold pandas build's time goes");
    expect(md).toContain('| build | 21.00 | 66 % |');
    expect(md).toContain('| other | 5.80 | 18 % |');
    expect(md).toContain('## Zip throughput and memory');
    expect(md).not.toMatch(/undefined|NaN/);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('Goals: figure ÷ goal (≤ 1 is met)');
    expect(svg).toContain('Cold pandas build, per step (median)');
    expect(svg).toContain('>version@22<');
  });

  it('renders a partial run, saying what it did not measure', async () => {
    const { md, svg } = await render(
      benchFigures({ goals: { startup: benchFigures().goals?.startup }, zip: undefined }),
    );
    expect(md).toContain(
      '| zip throughput vs `zip -r -y -X -6` on the pandas tree | not measured in this run | ≥ 1× | – |',
    );
    expect(md).not.toContain('## Zip throughput and memory');
    expect(md).not.toContain('## Layers, variant by variant');
    expect(md).not.toContain('Where the cold');
    expect(md).not.toMatch(/undefined/);
    expect(svg).not.toContain('per step');
  });
});
