import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDocs } from '../../../bench/docs.js';
import type { BenchFigures } from '../../../bench/report.js';
import {
  benchFigures,
  coldFigures,
  goalFigures,
  startupFigures,
  zipComparison,
} from '../../support/bench-figures.js';
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

  it("shows where the zip's time goes, and the ceiling archiver sets, when the run measured it", async () => {
    const floor = [
      {
        part: 'small' as const,
        files: 5000,
        bytes: 90 * 1024 ** 2,
        zlibSeconds: 2,
        zlibStreamSeconds: 3,
        archiverSeconds: 4.5,
        writerSeconds: 6,
        infozipSeconds: 3.5,
      },
      {
        part: 'large' as const,
        files: 20,
        bytes: 60 * 1024 ** 2,
        zlibSeconds: 1.5,
        zlibStreamSeconds: 1.5,
        archiverSeconds: 1.5,
        writerSeconds: 2,
        infozipSeconds: 3,
      },
    ];
    const { md } = await render(
      benchFigures({ zip: { ...zipComparison({ floor }), treeLabel: 'the tree' } }),
    );
    expect(md).toContain("### Where the zip's time goes");
    expect(md).toContain(
      '| read whole (≤ 512 KiB) | 5000 | 90.0 | 2.00 | 3.00 | 4.50 | 6.00 | 3.50 | 0.58× |',
    );
    expect(md).toContain(
      'Deflate is not the floor: zlib alone deflates the whole tree in 3.50 s on one thread',
    );
    expect(md).toContain('a zlib stream per file adds 1.00 s (0.20 ms a file');
    // (3.5 + 3) / (4.5 + 1.5): the best archiver can do with every file in memory.
    expect(md).toContain('cannot zip in less than 6.00 s here: 1.08× Info-ZIP at best');
    expect(md).toContain('it reaches 1.08× Info-ZIP at best');
    expect(md).not.toMatch(/undefined|NaN/);
    const { md: before } = await render(benchFigures());
    expect(before).not.toContain("Where the zip's time goes");
  });

  it("shows where a cache hit's time goes, from the steps each hit reported", async () => {
    const steps = (resolve: number, baseImage: number) => [
      { step: 'resolve', ms: resolve },
      { step: 'base-image', ms: baseImage },
      { step: 'zip', ms: 0 },
    ];
    const startup = [
      startupFigures({
        node: '24.22.3',
        nodeSeconds: [0.04, 0.05, 0.04],
        cacheHitSeconds: [0.12, 0.14, 0.13],
        cacheHitSteps: [steps(10, 15), steps(12, 17), steps(11, 20)],
      }),
    ];
    const { md } = await render(benchFigures({ goals: { ...goalFigures(), startup } }));
    expect(md).toContain("### Where a cache hit's time goes");
    // 130 ms in all, 40 of them node's own, 11 and 17 the steps (medians): 62 left.
    expect(md).toContain('| 24.22.3 | 130 | 40 | 11 | 17 | 62 |');
    expect((await render(benchFigures())).md).not.toContain("Where a cache hit's time goes");
  });

  it('shows what each layer is made of, when the run measured it', async () => {
    const kinds = (
      vendoredLibs: number,
      sharedObjects: number,
      bytecode: number,
      sources: number,
      other: number,
    ) => ({
      vendoredLibs: vendoredLibs * 1024 ** 2,
      sharedObjects: sharedObjects * 1024 ** 2,
      bytecode: bytecode * 1024 ** 2,
      sources: sources * 1024 ** 2,
      other: other * 1024 ** 2,
    });
    const breakdowns = {
      naive: kinds(27, 39, 43, 28, 6),
      layerforge: kinds(27, 35, 13, 11, 2),
      pycOnly: kinds(27, 35, 13, 0, 2),
    };
    const { md } = await render(
      benchFigures({
        goals: { ...goalFigures(), cold: coldFigures({ naiveUnzippedBytes: 143 * 1024 ** 2, breakdowns }) },
      }),
    );
    expect(md).toContain('### What the pandas layer is made of');
    expect(md).toContain(
      'The compiled code alone (shared objects and vendored libraries) is 62.0 MB, 0.43× the naive layer.',
    );
    expect(md).toContain('| Python sources (`.py`) | 28.0 | 11.0 | 0.0 |');
    expect(md).toContain('| all | 143.0 | 88.0 | 77.0 |');
    expect((await render(benchFigures())).md).not.toContain('is made of');
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
