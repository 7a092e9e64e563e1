/**
 * The goals table of issue 17: each row's figure measured in this run next to its goal, and
 * whether it is met. Pure: figures in, rows out, so the evaluation is unit-tested.
 */
import type { Breakdown } from './measure.js';
import { median } from './shell.js';
import type { StepTime } from './steps.js';
import type { ZipComparison } from './zip-compare.js';

/** Whole-process seconds, each side's runs alternating with the other's (A B A B). */
export interface ColdFigures {
  recipe: string;
  version: string;
  runtime: string;
  /** `layerforge build --no-cache` with an empty cache folder, and the naive script with no pip cache. */
  layerforgeSeconds: number[];
  naiveSeconds: number[];
  /** The same with warm download caches: layerforge's cache folder kept, pip's cache in a mounted folder. */
  warmLayerforgeSeconds: number[];
  warmNaiveSeconds: number[];
  /** GNU time's peak RSS of each layerforge process (the CLI's own, not its containers'). */
  peakRssBytes: number[];
  /** The cold builds' step times, one list per run. */
  steps: StepTime[][];
  layerforgeUnzippedBytes: number;
  naiveUnzippedBytes: number;
  smoke: { passed: number; total: number; failed: string[] };
  /** The same build with `--bytecode pyc-only` (bytecode in place of sources): its size and tests. */
  pycOnly?: { unzippedBytes: number; smoke: { passed: number; total: number; failed: string[] } };
  /** Bytes by kind of each layer: what the size row's floor is made of (absent from older records). */
  breakdowns?: { naive: Breakdown; layerforge: Breakdown; pycOnly?: Breakdown };
}

/** Start-up under one Node binary: each command alternates with `node -e 0`. */
export interface StartupFigures {
  node: string;
  nodeSeconds: number[];
  versionSeconds: number[];
  listSeconds: number[];
  cacheHitSeconds: number[];
  /** Each hit's `build.step.end` times, in the order of cacheHitSeconds (absent from older records). */
  cacheHitSteps?: StepTime[][];
}

export interface AuditFigures {
  packages: string[];
  zipBytes: number;
  unzippedBytes: number;
  /** The audit inside the process (`audit --json`'s summary.ms). */
  auditMs: number[];
  /** The whole `layerforge audit` process. */
  auditWallSeconds: number[];
  /** `unzip -p` of the same zip's ELF candidates (every *.so*) to /dev/null. */
  unzipSeconds: number[];
}

export interface GoalFigures {
  cold?: ColdFigures;
  startup?: StartupFigures[];
  audit?: AuditFigures;
  /** `.ci/run` on a fresh machine: given to the bench (`--ci-seconds`), never measured by it. */
  ci?: { seconds: number; source: string };
}

export interface GoalRow {
  /** A short name for the chart and the history: cold, warm, hit, version, list (with @node), zip, audit, size, rss, ci. */
  key: string;
  metric: string;
  /** The figure as the table shows it. */
  now: string;
  /** The number compared with the goal (a ratio, seconds or bytes); NaN when not measured. */
  value: number;
  goal: string;
  /** The figure over the goal, turned so that ≤ 1 is met: the chart draws it. NaN when not measured. */
  score: number;
  /** undefined: not measured in this run. */
  met?: boolean;
}

const MiB = 1024 * 1024;
const s = (seconds: number) => (seconds >= 10 ? seconds.toFixed(1) : seconds.toFixed(2));
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

function notMeasured(key: string, metric: string, goal: string, why = 'not measured in this run'): GoalRow {
  return { key, metric, now: why, value: NaN, score: NaN, goal, met: undefined };
}

/** Ours against a reference, medians of alternating runs. */
function versus(key: string, metric: string, ours: number[], theirs: number[], limit: number): GoalRow {
  const [a, b] = [median(ours), median(theirs)];
  const ratio = a / b;
  return {
    key,
    metric,
    now: `${x(ratio)} (${s(a)} s / ${s(b)} s, medians of ${ours.length})`,
    value: ratio,
    score: ratio / limit,
    goal: `≤ ${limit}×`,
    met: ratio <= limit,
  };
}

function coldRows(c: ColdFigures | undefined): GoalRow[] {
  const what = c ? `${c.recipe} ${c.version}` : 'pandas';
  const cold = `cold \`build ${what.split(' ')[0]} --no-cache\` vs the naive script, empty download caches`;
  const warm = 'the same, warm download caches on both sides';
  if (!c) return [notMeasured('cold', cold, '≤ 1×'), notMeasured('warm', warm, '≤ 1×')];
  return [
    versus('cold', cold, c.layerforgeSeconds, c.naiveSeconds, 1),
    versus('warm', warm, c.warmLayerforgeSeconds, c.warmNaiveSeconds, 1),
  ];
}

function startupRows(runs: StartupFigures[] | undefined): GoalRow[] {
  const rows: [string, string, 'cacheHitSeconds' | 'versionSeconds' | 'listSeconds', number][] = [
    ['hit', 'cache hit of the same build vs `node -e 0`', 'cacheHitSeconds', 3],
    ['version', '`layerforge --version` vs `node -e 0`', 'versionSeconds', 1.5],
    ['list', '`layerforge list` vs `node -e 0`', 'listSeconds', 2.5],
  ];
  if (!runs?.length) return rows.map(([key, metric, , limit]) => notMeasured(key, metric, `≤ ${limit}×`));
  return rows.flatMap(([key, metric, field, limit]) =>
    runs.map((r) =>
      versus(`${key}@${r.node.split('.')[0]}`, `${metric}, Node ${r.node}`, r[field], r.nodeSeconds, limit),
    ),
  );
}

function zipRow(z: ZipComparison | undefined): GoalRow {
  const metric = 'zip throughput vs `zip -r -y -X -6` on the pandas tree';
  if (!z) return notMeasured('zip', metric, '≥ 1×');
  const ratio = z.infozipSeconds / z.layerforgeSeconds;
  return {
    key: 'zip',
    metric,
    now: `${x(ratio)} (${s(z.layerforgeSeconds)} s in-process, ${s(z.layerforgeWallSeconds)} s whole process, vs ${s(z.infozipSeconds)} s; ${z.deterministic ? 'identical bytes every run' : 'NOT identical across runs'})`,
    value: ratio,
    score: 1 / ratio,
    goal: '≥ 1×',
    met: ratio >= 1 && z.deterministic,
  };
}

function auditRow(a: AuditFigures | undefined): GoalRow {
  const metric = 'audit of a numpy+scipy+pandas zip';
  const goal = '≤ 1.2 s or ≤ 0.5× `unzip -p`';
  if (!a) return notMeasured('audit', metric, goal);
  const seconds = median(a.auditMs) / 1000;
  const ratio = median(a.auditWallSeconds) / median(a.unzipSeconds);
  return {
    key: 'audit',
    metric: `${metric} (${(a.unzippedBytes / MiB).toFixed(0)} MB unzipped, ${(a.zipBytes / MiB).toFixed(0)} MB zip)`,
    now: `${s(seconds)} s in-process; whole process ${s(median(a.auditWallSeconds))} s = ${x(ratio)} \`unzip -p\` (${s(median(a.unzipSeconds))} s)`,
    value: seconds,
    score: Math.min(seconds / 1.2, ratio / 0.5),
    goal,
    met: seconds <= 1.2 || ratio <= 0.5,
  };
}

const allPassed = (smoke: ColdFigures['smoke']) => smoke.total > 0 && smoke.passed === smoke.total;

function sizeFigure(bytes: number, naiveBytes: number, smoke: ColdFigures['smoke']): string {
  return `${x(bytes / naiveBytes)} (${(bytes / MiB).toFixed(1)} / ${(naiveBytes / MiB).toFixed(1)} MB unzipped), smoke tests ${smoke.passed}/${smoke.total}${allPassed(smoke) ? '' : ` (✗ ${smoke.failed.join('; ')})`}`;
}

/** Met by the default build; the pyc-only figure is shown beside it, never counted for it. */
function sizeRow(c: ColdFigures | undefined): GoalRow {
  const metric = 'pandas layer size vs naive, all smoke tests passing';
  if (!c) return notMeasured('size', metric, '≤ 0.55×');
  const ratio = c.layerforgeUnzippedBytes / c.naiveUnzippedBytes;
  const pycOnly = c.pycOnly
    ? `; with \`--bytecode pyc-only\` ${sizeFigure(c.pycOnly.unzippedBytes, c.naiveUnzippedBytes, c.pycOnly.smoke)}`
    : '';
  return {
    key: 'size',
    metric,
    now: `${sizeFigure(c.layerforgeUnzippedBytes, c.naiveUnzippedBytes, c.smoke)}${pycOnly}`,
    value: ratio,
    score: ratio / 0.55,
    goal: '≤ 0.55×',
    met: ratio <= 0.55 && allPassed(c.smoke),
  };
}

function rssRow(c: ColdFigures | undefined): GoalRow {
  const metric = "peak RSS of a whole pandas build (layerforge's own process)";
  if (!c) return notMeasured('rss', metric, '≤ 120 MB');
  const peak = Math.max(...c.peakRssBytes);
  return {
    key: 'rss',
    metric,
    now: `${(peak / MiB).toFixed(0)} MB (highest of ${c.peakRssBytes.length} cold builds)`,
    value: peak,
    score: peak / (120 * MiB),
    goal: '≤ 120 MB',
    met: peak <= 120 * MiB,
  };
}

function ciRow(ci: GoalFigures['ci']): GoalRow {
  const metric = '`.ci/run` on a fresh machine';
  if (!ci)
    return notMeasured('ci', metric, '≤ 25 min', 'not given (`--ci-seconds`): the bench cannot run CI');
  const minutes = Math.floor(ci.seconds / 60);
  return {
    key: 'ci',
    metric,
    now: `${minutes} min ${Math.round(ci.seconds - minutes * 60)} s (${ci.source}; not measured by the bench)`,
    value: ci.seconds,
    score: ci.seconds / (25 * 60),
    goal: '≤ 25 min',
    met: ci.seconds <= 25 * 60,
  };
}

/** Every row of the goals table, in the issue's order; a row this run did not measure says so. */
export function evaluateGoals(g: GoalFigures, zip: ZipComparison | undefined): GoalRow[] {
  return [
    ...coldRows(g.cold),
    ...startupRows(g.startup),
    zipRow(zip),
    auditRow(g.audit),
    sizeRow(g.cold),
    rssRow(g.cold),
    ciRow(g.ci),
  ];
}

export function goalsTable(rows: GoalRow[]): string[] {
  const met = (r: GoalRow) => (r.met === undefined ? '–' : r.met ? 'yes' : '**no**');
  return [
    '| metric | now (this run) | goal | met |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.metric} | ${r.now} | ${r.goal} | ${met(r)} |`),
  ];
}
