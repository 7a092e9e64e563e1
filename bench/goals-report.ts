/** The goals section of docs/benchmarks.md: the table, how each row is measured, the cold build per step. */
import { evaluateGoals, goalsTable, type GoalFigures } from './goals.js';
import type { Breakdown } from './measure.js';
import { median } from './shell.js';
import { medianSteps } from './steps.js';
import type { ZipComparison } from './zip-compare.js';

const MiB = 1024 * 1024;

function stepsTable(g: GoalFigures): string[] {
  const c = g.cold;
  if (!c || c.steps.length === 0) return [];
  const rows = medianSteps(c.steps, c.layerforgeSeconds);
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  return [
    `### Where the cold ${c.recipe} build's time goes`,
    '',
    `Median of ${c.steps.length} cold builds, from the \`build.step.end\` events of \`--json\`; \`other\` is the median whole-process time less the steps (starting node, loading modules, work between steps).`,
    '',
    '| step | s | share |',
    '|---|---:|---:|',
    ...rows.map(
      (r) => `| ${r.step} | ${(r.ms / 1000).toFixed(2)} | ${((100 * r.ms) / total).toFixed(0)} % |`,
    ),
    '',
  ];
}

/** Where a cache hit's time goes under each Node: node itself, the steps it reports, the rest. */
function hitTable(g: GoalFigures): string[] {
  const runs = (g.startup ?? []).filter((r) => r.cacheHitSteps?.length);
  if (!runs.length) return [];
  const ms = (value: number) => value.toFixed(0);
  const rows = runs.map((r) => {
    const whole = median(r.cacheHitSeconds) * 1000;
    const node = median(r.nodeSeconds) * 1000;
    // No wall times given: the steps alone, each the median across runs.
    const steps = medianSteps(r.cacheHitSteps ?? [], []);
    const stepMs = (name: string) => steps.find((s) => s.step === name)?.ms ?? 0;
    const rest = whole - node - steps.reduce((sum, s) => sum + s.ms, 0);
    return `| ${r.node} | ${ms(whole)} | ${ms(node)} | ${ms(stepMs('resolve'))} | ${ms(stepMs('base-image'))} | ${ms(rest)} |`;
  });
  return [
    "### Where a cache hit's time goes",
    '',
    "Medians in ms: the whole process, `node -e 0` under the same Node, the two steps a hit reports in `--json` (resolve: reading the recipe, the base and the runtime; base-image: asking the engine about the base's two images, whose ids are part of the cache key, and hashing the recipe folder into that key), and the rest: loading layerforge's code, checking the cache entry and placing its zip.",
    '',
    '| Node | hit | `node -e 0` | resolve | base-image | the rest |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

const KINDS: [keyof Breakdown, string][] = [
  ['vendoredLibs', "wheels' vendored libraries (`*.libs/`)"],
  ['sharedObjects', 'other shared objects (`*.so*`)'],
  ['bytecode', 'bytecode (`.pyc`)'],
  ['sources', 'Python sources (`.py`)'],
  ['other', 'everything else'],
];

/** What each layer is made of: where the size row's floor lies when it is missed. */
function sizeTable(g: GoalFigures): string[] {
  const c = g.cold;
  const b = c?.breakdowns;
  if (!c || !b) return [];
  const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : (bytes / MiB).toFixed(1));
  const total = (d: Breakdown | undefined) =>
    d === undefined ? undefined : KINDS.reduce((sum, [kind]) => sum + d[kind], 0);
  const compiled = b.layerforge.vendoredLibs + b.layerforge.sharedObjects;
  return [
    `### What the ${c.recipe} layer is made of`,
    '',
    `Unzipped MB by kind, from the layers the size row measures. The compiled code alone (shared objects and vendored libraries) is ${mb(compiled)} MB, ${(compiled / c.naiveUnzippedBytes).toFixed(2)}× the naive layer. The default keeps each module's source beside its bytecode, so that tracebacks show the failing lines; \`--bytecode pyc-only\` ships the bytecode alone.`,
    '',
    '| kind | naive | layerforge (default) | layerforge `--bytecode pyc-only` |',
    '|---|---:|---:|---:|',
    ...KINDS.map(
      ([kind, label]) =>
        `| ${label} | ${mb(b.naive[kind])} | ${mb(b.layerforge[kind])} | ${mb(b.pycOnly?.[kind])} |`,
    ),
    `| all | ${mb(total(b.naive))} | ${mb(total(b.layerforge))} | ${mb(total(b.pycOnly))} |`,
    '',
  ];
}

export function goalsSection(g: GoalFigures, zip: ZipComparison | undefined): string[] {
  const c = g.cold;
  return [
    '## Goals',
    '',
    'Measured side by side in this run; timings are medians of whole-process wall times, the two sides alternating (A B A B; the cold builds in turns, A B then B A).',
    '',
    ...goalsTable(evaluateGoals(g, zip)),
    '',
    'How each row is measured:',
    '',
    `- Cold build: \`layerforge build ${c?.recipe ?? 'pandas'} --base debian12 --runtime ${c?.runtime ?? 'python3.11'} --no-cache\` with an empty cache folder (\`LAYERFORGE_CACHE_DIR\`), ` +
      'against the naive script: `docker run <the same build image> pip install --target python --platform … ` for the same pins with no pip cache, then Info-ZIP `zip -qr -y -X`. ' +
      "Warm: layerforge's cache folder kept from an earlier build (still `--no-cache`: whatever download cache it keeps), pip's own cache in a mounted folder filled by an earlier run.",
    "- Start-up: the CLI as users run it (`bin/layerforge.js` and its bundle in `lib/bundle`: esbuild's, with the chunks the entry, `list` and a cache hit load merged by rollup), each command alternating with `node -e 0` under the same Node binary; one warm-up run of each first (Node 22 and later fill the compile cache then). The cache hit is the cold build's command again without `--no-cache`.",
    "- Zip: layerforge's writer at its default level (`LAYER_ZIP_LEVEL`, src/core/layer/zip-level.ts) on the naive pandas tree against `zip -r -y -X -6`, throughput ratio from the writer's in-process time.",
    '- Audit: `layerforge audit <zip> --json` on the naive numpy+scipy+pandas zip (pip `--no-compile`) (its own `summary.ms` and the whole process) against `unzip -p` of every `*.so*` in it to /dev/null.',
    "- Size: unzipped bytes (file sizes plus symlink targets) of layerforge's cold build against the naive script's, with the recipe's smoke tests run on layerforge's zip.",
    "- Peak RSS: GNU time's maximum resident set of each cold `layerforge build` process (its containers are not counted).",
    '- `.ci/run`: the bench cannot run CI; the figure is the one passed with `--ci-seconds` and says where it came from.',
    '',
    ...stepsTable(g),
    ...hitTable(g),
    ...sizeTable(g),
  ];
}
