/** Writes docs/benchmarks.md and docs/benchmarks.svg from one run's figures. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { barChartSvg } from './chart.js';
import { renderMarkdown, type BenchFigures } from './report.js';
import { median } from './shell.js';
import { VARIANT_LABELS, type VariantId } from './variants.js';

export async function writeDocs(repo: string, figures: BenchFigures): Promise<void> {
  const { recipes } = figures;
  // One colour per variant across both layers, even when only one of them has a (b′).
  const series = (Object.keys(VARIANT_LABELS) as VariantId[]).filter((id) =>
    recipes.some((r) => r.variants.some((v) => v.id === id)),
  );
  const svg = barChartSvg(
    [
      {
        title: 'Unzipped layer size',
        unit: 'MiB',
        groups: recipes.map((r) => ({
          label: r.name,
          bars: r.variants.map((v) => ({
            label: v.id,
            value: v.size.unzippedBytes / 1024 ** 2,
            series: series.indexOf(v.id),
          })),
        })),
      },
      {
        title: `Cold import, median of ${figures.runs}`,
        unit: 'ms',
        groups: recipes.map((r) => ({
          label: r.name,
          bars: r.variants.map((v) => ({
            label: v.id,
            value: v.importError ? NaN : median(v.importMs),
            series: series.indexOf(v.id),
          })),
        })),
      },
    ],
    series.map((id) => VARIANT_LABELS[id]),
  );
  await mkdir(join(repo, 'docs'), { recursive: true });
  await writeFile(join(repo, 'docs', 'benchmarks.svg'), svg);
  await writeFile(join(repo, 'docs', 'benchmarks.md'), renderMarkdown(figures, 'benchmarks.svg'));
}
