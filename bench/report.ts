/** Turns the benchmark's figures into docs/benchmarks.md and its SVG chart. */
import { LAYER_ZIP_LEVEL } from '../src/core/layer/zip-level.js';
import { BUILTIN_RULES } from '../src/core/prune/rules.js';
import { goalsSection } from './goals-report.js';
import type { GoalFigures } from './goals.js';
import type { LayerSize } from './measure.js';
import { median } from './shell.js';
import { VARIANT_LABELS, type VariantId } from './variants.js';
import type { ZipComparison } from './zip-compare.js';
import { archiverCeiling, zipFloorSection } from './zip-floor-report.js';

export interface VariantFigures {
  id: VariantId;
  size: LayerSize;
  smoke: { passed: number; total: number; failed: string[] };
  importMs: number[];
  /** Set when the layer could not be imported at all. */
  importError?: string;
  buildSeconds: number;
  rebuildSeconds?: number;
  rebuildStepsSeconds?: number;
  prune?: { rule: string; bytesSaved: number; reverted: boolean }[];
}

export interface RecipeFigures {
  name: string;
  version: string;
  runtime: string;
  importStatement: string;
  variants: VariantFigures[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  docker: string;
  node: string;
  kernel: string;
  loadBefore: number[];
  loadAfter: number[];
}

export interface BenchFigures {
  date: string;
  command: string;
  machine: Machine;
  runs: number;
  base: string;
  /** Empty when the run skipped the variants (`--only`). */
  recipes: RecipeFigures[];
  zip?: ZipComparison & { treeLabel: string };
  goals?: GoalFigures;
}

const MiB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MiB).toFixed(1);
const ms = (value: number) => value.toFixed(0);
const variant = (r: RecipeFigures, id: VariantId) => r.variants.find((v) => v.id === id);
const importMedian = (v: VariantFigures | undefined) => (v && !v.importError ? median(v.importMs) : NaN);

interface Target {
  text: string;
  figure: string;
  met: boolean;
  limit?: string;
}

/** What (c) is made of, and what it would be without the bytecode it keeps on purpose. */
function sizeLimit(a: VariantFigures, c: VariantFigures, d: VariantFigures): string {
  const k = c.size.breakdown;
  const strip = c.prune?.find((p) => p.rule === 'strip')?.bytesSaved ?? 0;
  const parts = [
    [k.vendoredLibs, 'of auditwheel-vendored *.libs (never stripped)'],
    [
      k.sharedObjects,
      `of other shared objects (strip took ${mb(strip)} MB off them: most wheels ship them stripped)`,
    ],
    [k.bytecode, 'of .pyc'],
    [k.sources, 'of .py'],
    [k.other, 'of other files'],
  ] as const;
  const held = parts
    .filter(([bytes]) => bytes >= 0.05 * MiB)
    .map(([bytes, what]) => `${mb(bytes)} MB ${what}`);
  const withoutBytecode = (c.size.unzippedBytes - k.bytecode) / a.size.unzippedBytes;
  return (
    `(c) holds ${held.join(', ')}. Without the bytecode it keeps for cold start it would be ${withoutBytecode.toFixed(2)}× (a); ` +
    `(d) max reaches ${(d.size.unzippedBytes / a.size.unzippedBytes).toFixed(2)}×`
  );
}

function recipeTargets(r: RecipeFigures): Target[] {
  const [a, b, c, d] = (['a', 'b', 'c', 'd'] as const).map((id) => variant(r, id));
  if (!a || !b || !c || !d) return [];
  const sizeRatio = c.size.unzippedBytes / a.size.unzippedBytes;
  const smokeOk = c.smoke.passed === c.smoke.total;
  const targets: Target[] = [
    {
      text: `${r.name}: (c) unzipped ≤ 0.6× (a), every smoke test passing`,
      figure: `${sizeRatio.toFixed(2)}× (${mb(c.size.unzippedBytes)} / ${mb(a.size.unzippedBytes)} MB), ${c.smoke.passed}/${c.smoke.total} tests`,
      met: sizeRatio <= 0.6 && smokeOk,
      limit: sizeLimit(a, c, d),
    },
  ];
  // When (b) cannot import at all, (b′) is (b) without its harmful strip: the fair comparison left.
  const slow = b.importError ? variant(r, 'b2') : b;
  const importB = importMedian(c) / importMedian(slow);
  const broken = b.importError ? `(b) does not import (${b.importError}); against (b′): ` : '';
  targets.push({
    text: `${r.name}: (c) cold import ≤ 0.5× (b)`,
    figure: `${broken}${importB.toFixed(2)}× (${ms(importMedian(c))} / ${ms(importMedian(slow))} ms)`,
    met: importB <= 0.5,
    limit:
      'once no module is compiled, loading and initialising the extension modules is most of the import: bytecode removes only the compile part',
  });
  const span = (v: VariantFigures) => `${ms(Math.min(...v.importMs))}–${ms(Math.max(...v.importMs))} ms`;
  targets.push({
    text: `${r.name}: (c) cold import no slower than (a)`,
    figure: `${ms(importMedian(c))} vs ${ms(importMedian(a))} ms`,
    met: importMedian(c) <= importMedian(a),
    limit:
      `the medians differ by ${ms(importMedian(c) - importMedian(a))} ms while single runs span ${span(a)} for (a) and ${span(c)} for (c): ` +
      "(a)'s timestamp-checked .pyc are valid here (Info-ZIP restored the mtimes), so neither compiles anything",
  });
  for (const v of [c, d]) {
    const steps = v.rebuildStepsSeconds ?? NaN;
    targets.push({
      text: `${r.name}: ${VARIANT_LABELS[v.id]} no-change rebuild ≤ 1 s`,
      figure: `${(v.rebuildSeconds ?? NaN).toFixed(2)} s`,
      met: (v.rebuildSeconds ?? Infinity) <= 1,
      limit:
        `${steps.toFixed(2)} s of it in layerforge's steps (recipe, base-image check, cache lookup); the rest is starting \`node\` and loading modules ` +
        '(dockerode alone brings grpc-js, protobufjs and ssh2) and copying the zip out of the cache',
    });
  }
  return targets;
}

function zipTargets(z: BenchFigures['zip']): Target[] {
  if (!z) return [];
  const ratio = z.infozipSeconds / z.layerforgeSeconds;
  return [
    {
      text: 'zip throughput ≥ 0.8× Info-ZIP `zip -r -y -X -6`, deterministic',
      figure: `${ratio.toFixed(2)}× (${(z.treeBytes / MiB / z.layerforgeSeconds).toFixed(1)} vs ${(z.treeBytes / MiB / z.infozipSeconds).toFixed(1)} MB/s), ${z.deterministic ? 'identical bytes on every run' : 'NOT identical across runs'}`,
      met: ratio >= 0.8 && z.deterministic,
      limit: z.floor?.length
        ? `archiver writes one entry after another, each through a zlib stream of its own: with every file in memory it reaches ${archiverCeiling(z.floor).toFixed(2)}× Info-ZIP at best (see "Where the zip's time goes")`
        : `layerforge's process used ${z.layerforgeCpuSeconds.toFixed(2)} s of CPU for ${z.layerforgeWallSeconds.toFixed(2)} s of wall time, Info-ZIP ${z.infozipCpuSeconds.toFixed(2)} s; ` +
          `archiver deflates through Node's zlib one entry after another, at level ${LAYER_ZIP_LEVEL} against Info-ZIP's 6 (zips within ` +
          `${(Math.abs(z.layerforgeZipBytes - z.infozipZipBytes) / MiB).toFixed(1)} MB of each other)`,
    },
    {
      text: 'peak RSS while zipping the largest layer ≤ 150 MB',
      figure: `${mb(z.peakRssBytes)} MB (the compiled writer's whole process; ${mb(z.idleRssBytes)} MB when it zips nothing; ${mb(z.peakRssTsxBytes)} MB under tsx)`,
      met: z.peakRssBytes <= 150 * MiB,
      limit: `the process holds ${mb(z.idleRssBytes)} MB before zipping; the writer queues at most 16 files of ≤ 512 KB, so most of the other ${mb(z.peakRssBytes - z.idleRssBytes)} MB is heap and stream buffers not yet collected (not profiled further here)`,
    },
  ];
}

function variantRows(r: RecipeFigures): string[] {
  return r.variants.map((v) => {
    const smoke = `${v.smoke.passed}/${v.smoke.total}${v.smoke.failed.length ? ` (✗ ${v.smoke.failed.join('; ')})` : ''}`;
    const spread = `${ms(Math.min(...v.importMs))}–${ms(Math.max(...v.importMs))}`;
    const cold = v.importError ? `fails: ${v.importError}` : `**${ms(median(v.importMs))}** (${spread})`;
    const rebuild = v.rebuildSeconds === undefined ? 'n/a (no cache)' : `${v.rebuildSeconds.toFixed(2)}`;
    return `| ${r.name} | ${VARIANT_LABELS[v.id]} | ${mb(v.size.unzippedBytes)} | ${mb(v.size.zippedBytes)} | ${v.size.files} | ${cold} | ${v.buildSeconds.toFixed(1)} | ${rebuild} | ${smoke} |`;
  });
}

function pruneRows(r: RecipeFigures): string[] {
  return r.variants
    .filter((v) => v.prune !== undefined)
    .map(
      (v) =>
        `- ${r.name} ${VARIANT_LABELS[v.id]}: ${(v.prune ?? []).map((p) => (p.reverted ? `${p.rule} **reverted**` : `${p.rule} ${mb(p.bytesSaved)} MB`)).join(', ') || 'no rule changed anything'}`,
    );
}

/** Why `max` keeps sources next to its bytecode: (e) against (d), measured. */
function bytecodeChoice(recipes: RecipeFigures[]): string[] {
  const lines = recipes.flatMap((r) => {
    const d = variant(r, 'd');
    const e = variant(r, 'e');
    if (!d || !e) return [];
    const reverted = e.prune?.some((p) => p.rule === 'sources-as-bytecode' && p.reverted);
    return [
      `- ${r.name}: (e) ${mb(e.size.unzippedBytes)} MB vs (d) ${mb(d.size.unzippedBytes)} MB unzipped, cold import ${ms(importMedian(e))} vs ${ms(importMedian(d))} ms` +
        (reverted
          ? '; a smoke test failed without the sources, so layerforge reverted `sources-as-bytecode`'
          : ''),
    ];
  });
  if (lines.length === 0) return [];
  return [
    "Bytecode only (`--bytecode pyc-only`, variant (e)) against sources plus bytecode (`max`'s default, (d)):",
    '',
    ...lines,
    '',
    "Both import from bytecode without compiling; pyc-only saves the sources' bytes but tracebacks lose their source lines and code that reads its own source (or checks `__file__`) breaks, so it stays opt-in.",
    '',
  ];
}

/** The rules behind (c) and (d), from the same table the build uses. */
function rulesTable(): string[] {
  return [
    '## What the profiles do',
    '',
    "`safe` (the default) applies the safe rules, `max` all of them; every rule a build applies is checked by the recipe's smoke tests and reverted if one fails. " +
      'A recipe opts out of a rule with `prune.skip`, keeps paths with `prune.protect`, and adds its own globs with `prune.remove`. ' +
      "`*.dist-info` is never touched and auditwheel's `*.libs/` never stripped. Both profiles ship unchecked-hash bytecode (`--bytecode auto`).",
    '',
    '| rule | profile | applied when the recipe has no tests | why |',
    '|---|---|---|---|',
    ...BUILTIN_RULES.map((r) => `| \`${r.id}\` | ${r.profile} | ${r.importSafe ? 'yes' : 'no'} | ${r.why} |`),
    '',
  ];
}

/** The variants' section: sizes, cold imports, builds, prune rules. Empty when they did not run. */
function layersSection(f: BenchFigures): string[] {
  if (f.recipes.length === 0) return [];
  return [
    '## Layers, variant by variant',
    '',
    `Every layer is built for ${f.recipes[0]?.runtime ?? 'python3.11'} x86_64 on the \`${f.base}\` stand-in base (Debian 12, Python 3.11; not Amazon Linux), ` +
      '(a) and (b) with pip in the same build image and the same target platform tags as layerforge.',
    '',
    '| layer | variant | unzipped MB | zipped MB | files | cold import ms, median (min–max) | cold build s | no-change rebuild s | smoke tests |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...f.recipes.flatMap(variantRows),
    '',
    `MB are MiB (1024² bytes), as Lambda counts its 250 MB. Cold import: \`${f.recipes.map((r) => r.importStatement).join('`, `')}\` timed with \`time.perf_counter()\` inside ${f.runs} fresh containers per variant ` +
      "(runtime image, layer read-only at /opt, read-only root, tmpfs /tmp, uid 993, no network, Lambda's environment), variants interleaved. " +
      "The host's page cache is warm for all variants alike; Lambda's first import also pays for reading the layer from its storage.",
    '',
    ...(f.recipes.some((r) => variant(r, 'b2'))
      ? [
          "(b′) is built only when (b) fails its smoke tests: it is (b) with auditwheel's `*.libs/` spared from `strip`, so the cost of deleting the bytecode can still be measured.",
          '',
        ]
      : []),
    'Each zip is extracted with Info-ZIP `unzip`, which restores mtimes: that keeps the timestamp-checked `.pyc` that pip wrote in (a) valid, its best case. ' +
      'Whether Lambda keeps zip mtimes is not documented; if it does not, (a) compiles every module at each cold start like (b).',
    '',
    'Prune rules applied by layerforge (bytes saved; a reverted rule broke a smoke test and was undone):',
    '',
    ...f.recipes.flatMap(pruneRows),
    '',
    ...bytecodeChoice(f.recipes),
  ];
}

function zipSection(z: BenchFigures['zip']): string[] {
  if (!z) return [];
  return [
    '## Zip throughput and memory',
    '',
    `On ${z.treeLabel} (${mb(z.treeBytes)} MB), median of ${z.runs} alternating runs: layerforge's writer (deflate level ${LAYER_ZIP_LEVEL}) ${z.layerforgeSeconds.toFixed(2)} s in-process ` +
      `(${z.layerforgeWallSeconds.toFixed(2)} s for the whole \`node\` process), Info-ZIP \`zip -r -y -X -6\` ${z.infozipSeconds.toFixed(2)} s; ` +
      `zips of ${mb(z.layerforgeZipBytes)} and ${mb(z.infozipZipBytes)} MB. Peak RSS (GNU time) of a \`node\` process running the compiled writer on that tree: ${mb(z.peakRssBytes)} MB ` +
      `(${mb(z.peakRssTsxBytes)} MB through bench/zip-throughput.ts under tsx).`,
    '',
    ...zipFloorSection(z.floor),
  ];
}

export function renderMarkdown(f: BenchFigures, chartFile: string): string {
  const m = f.machine;
  const targets = [...f.recipes.flatMap(recipeTargets), ...zipTargets(f.zip)];
  return [
    '# Benchmarks',
    '',
    `Generated by \`${f.command}\` on ${f.date}. Do not edit by hand: run it again.`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB memory, Docker ${m.docker}, Node ${m.node}, Linux ${m.kernel}. ` +
      `Load average ${m.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${m.loadAfter.map((l) => l.toFixed(2)).join(' ')} after (the machine is shared: read wall-clock figures with that in mind).`,
    '',
    `![goals, cold build steps, layer sizes and cold imports](${chartFile})`,
    '',
    ...goalsSection(f.goals ?? {}, f.zip),
    ...layersSection(f),
    ...zipSection(f.zip),
    ...(targets.length
      ? [
          '## Other targets',
          '',
          '| target | figure | met |',
          '|---|---|---|',
          ...targets.map(
            (t) => `| ${t.text} | ${t.figure} | ${t.met ? 'yes' : `**no**: ${t.limit ?? ''}`} |`,
          ),
          '',
        ]
      : []),
    ...rulesTable(),
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench            # needs Docker, zip, unzip and GNU time; builds pandas about fifteen times',
    '```',
    '',
    'Options: `--only startup,zip` (parts: cold, startup, zip, audit, variants; default all), `--runs 9` (containers per cold-import median), ' +
      '`--recipes pandas` (variant layers), `--node <path>` (repeatable: start-up under more Node binaries), `--ci-seconds N` (the last `.ci/run` time), ' +
      '`--keep` (keep the work folder), `--render <figures.json>` (docs again from a kept run). Each run appends one line to `bench/history.jsonl`.',
    '',
  ].join('\n');
}
