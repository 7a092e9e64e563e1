/** Writes docs/benchmarks.md and docs/benchmarks.svg from one run's figures. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { barChartSvg, type BarGroup } from './chart.js';
import { evaluateGoals } from './goals.js';
import { renderMarkdown, type BenchFigures } from './report.js';
import { median } from './shell.js';
import { medianSteps } from './steps.js';
import { VARIANT_LABELS, type VariantId } from './variants.js';

type Panel = { title: string; unit: string; groups: BarGroup[] };

/** The goals panel and the cold build's steps, drawn in the legend's last two colours. */
function goalPanels(figures: BenchFigures, goalSeries: number): Panel[] {
  const rows = evaluateGoals(figures.goals ?? {}, figures.zip).filter((r) => Number.isFinite(r.score));
  const panels: Panel[] = [];
  if (rows.length)
    panels.push({
      title: 'Goals: figure ÷ goal (≤ 1 is met)',
      unit: '× goal',
      groups: rows.map((r) => ({
        label: r.key,
        bars: [{ label: r.metric, value: r.score, series: goalSeries }],
      })),
    });
  const cold = figures.goals?.cold;
  if (cold?.steps.length)
    panels.push({
      title: `Cold ${cold.recipe} build, per step (median)`,
      unit: 's',
      groups: medianSteps(cold.steps, cold.layerforgeSeconds).map((s) => ({
        label: s.step,
        bars: [{ label: s.step, value: s.ms / 1000, series: goalSeries + 1 }],
      })),
    });
  return panels;
}

export async function writeDocs(repo: string, figures: BenchFigures): Promise<void> {
  const { recipes } = figures;
  // One colour per variant across both layers, even when only one of them has a (b′).
  const series = (Object.keys(VARIANT_LABELS) as VariantId[]).filter((id) =>
    recipes.some((r) => r.variants.some((v) => v.id === id)),
  );
  const variantPanels: Panel[] = recipes.length
    ? [
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
      ]
    : [];
  const svg = barChartSvg(
    [...goalPanels(figures, series.length), ...variantPanels],
    [...series.map((id) => VARIANT_LABELS[id]), 'goal row (figure ÷ goal)', 'cold build step'],
  );
  await mkdir(join(repo, 'docs'), { recursive: true });
  await writeFile(join(repo, 'docs', 'benchmarks.svg'), svg);
  await writeFile(join(repo, 'docs', 'benchmarks.md'), renderMarkdown(figures, 'benchmarks.svg'));
}
