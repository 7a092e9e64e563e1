/**
 * Goals rows 1, 7 and 8: a cold `layerforge build` against the naive script (pip in the same
 * build image, then Info-ZIP), in turns (A B, B A), first with empty download caches on both
 * sides, then warm; the step times of each cold build, its peak RSS, and the two layers' sizes.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColdFigures } from './goals.js';
import { extract, measure, smokeTests } from './measure.js';
import { log, mustRun } from './shell.js';
import { stepTimes, type StepTime } from './steps.js';
import { eventsOf, inBuildImage, pipInstall, type BenchPaths, type BenchRecipe } from './variants.js';

export interface ColdRun {
  figures: ColdFigures;
  /** The naive layer's tree, for the zip comparison. */
  naiveTree: string;
  /** A cache folder holding this build's artifact: the start-up rows' cache hit. */
  cacheDir: string;
}

/** The command line the goals table names, as `node <cli> …` arguments. */
export function buildArgs(cli: string, recipe: BenchRecipe, out: string): string[] {
  return [
    cli,
    'build',
    recipe.loaded.recipe.name,
    '--base',
    recipe.base.name,
    '--runtime',
    recipe.runtime.id,
    '--arch',
    recipe.base.arch,
    '--json',
    '--out',
    out,
  ];
}

/** The naive script: pip in the build image, then `zip -qr -y -X`. Seconds and the zip. */
export async function naive(recipe: BenchRecipe, paths: BenchPaths, dir: string, pipCache?: string) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const zipPath = `${dir}.zip`;
  await rm(zipPath, { force: true });
  const started = performance.now();
  await inBuildImage(
    recipe,
    dir,
    pipInstall(recipe, true, { cached: Boolean(pipCache) }),
    paths.env,
    pipCache,
  );
  await mustRun('zip', ['-qr', '-y', '-X', zipPath, 'python'], { cwd: dir });
  const seconds = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  return { seconds, zipPath };
}

/** One `layerforge build --no-cache` under GNU time, with its own cache folder. */
async function layerforge(
  recipe: BenchRecipe,
  paths: BenchPaths,
  cacheDir: string,
  out: string,
  extra: string[] = [],
) {
  const args = [...buildArgs(paths.cli, recipe, out), '--no-cache', ...extra];
  const ran = await mustRun('/usr/bin/time', ['-v', process.execPath, ...args], {
    cwd: paths.repo,
    env: { ...paths.env, LAYERFORGE_CACHE_DIR: cacheDir },
  });
  const events = eventsOf(ran.stdout);
  const done = events.find((e) => e.type === 'build.done');
  if (done?.type !== 'build.done')
    throw new Error(`layerforge build printed no build.done event:\n${ran.stderr}`);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(ran.stderr)?.[1]);
  return { seconds: ran.seconds, zipPath: done.zipPath, steps: stepTimes(events), rssBytes: rssKb * 1024 };
}

/**
 * Odd rounds run the naive script first and even rounds layerforge, so a drift in download speed
 * or load during a run falls on both sides alike.
 */
async function inTurn<A, B>(
  round: number,
  naiveSide: () => Promise<A>,
  ours: () => Promise<B>,
): Promise<[A, B]> {
  if (round % 2 === 1) {
    const a = await naiveSide();
    return [a, await ours()];
  }
  const b = await ours();
  return [await naiveSide(), b];
}

function order(round: number): string {
  return round % 2 === 1 ? 'naive script, then layerforge' : 'layerforge, then naive script';
}

export async function coldBuilds(recipe: BenchRecipe, paths: BenchPaths, runs: number): Promise<ColdRun> {
  const work = join(paths.work, 'goals');
  const name = recipe.loaded.recipe.name;
  const f: ColdFigures = {
    recipe: name,
    version: recipe.loaded.recipe.version,
    runtime: recipe.runtime.id,
    layerforgeSeconds: [],
    naiveSeconds: [],
    warmLayerforgeSeconds: [],
    warmNaiveSeconds: [],
    peakRssBytes: [],
    steps: [] as StepTime[][],
    layerforgeUnzippedBytes: NaN,
    naiveUnzippedBytes: NaN,
    smoke: { passed: 0, total: 0, failed: [] },
  };
  let last: { naive: string; ours: string; cacheDir: string } | undefined;
  for (let i = 1; i <= runs; i++) {
    log(`${name} cold, round ${i}/${runs}: ${order(i)}, empty download caches`);
    const cacheDir = join(work, `cache-${i}`);
    const [a, b] = await inTurn(
      i,
      () => naive(recipe, paths, join(work, `naive-${i}`)),
      () => layerforge(recipe, paths, cacheDir, join(work, `dist-${i}`)),
    );
    f.naiveSeconds.push(a.seconds);
    f.layerforgeSeconds.push(b.seconds);
    f.peakRssBytes.push(b.rssBytes);
    f.steps.push(b.steps);
    last = { naive: a.zipPath, ours: b.zipPath, cacheDir };
  }
  if (!last) throw new Error('--runs must be at least 1');
  // Warm: pip's cache filled by one uncounted run; layerforge's folder is the last cold build's.
  const pipCache = join(work, 'pip-cache');
  await mkdir(pipCache, { recursive: true });
  log(`${name}: filling pip's cache for the warm runs`);
  await naive(recipe, paths, join(work, 'naive-fill'), pipCache);
  for (let i = 1; i <= runs; i++) {
    log(`${name} warm, round ${i}/${runs}: ${order(i)}, warm download caches`);
    const cacheDir = last.cacheDir;
    const [a, b] = await inTurn(
      i,
      () => naive(recipe, paths, join(work, `naive-warm-${i}`), pipCache),
      () => layerforge(recipe, paths, cacheDir, join(work, `dist-warm-${i}`)),
    );
    f.warmNaiveSeconds.push(a.seconds);
    f.warmLayerforgeSeconds.push(b.seconds);
  }
  const naiveTree = await extract(last.naive, join(work, 'naive-tree'));
  const oursTree = await extract(last.ours, join(work, 'layerforge-tree'));
  const naiveSize = await measure(last.naive, naiveTree);
  const oursSize = await measure(last.ours, oursTree);
  f.naiveUnzippedBytes = naiveSize.unzippedBytes;
  f.layerforgeUnzippedBytes = oursSize.unzippedBytes;
  log(`${name}: smoke tests on layerforge's layer`);
  f.smoke = await smokeTests(last.ours, recipe);
  // The size without sources: what a user who opts in gets, tested the same way.
  log(`${name}: one build with --bytecode pyc-only, for its size`);
  const pyc = await layerforge(recipe, paths, last.cacheDir, join(work, 'dist-pyc-only'), [
    '--bytecode',
    'pyc-only',
  ]);
  const pycTree = await extract(pyc.zipPath, join(work, 'pyc-only-tree'));
  const pycSize = await measure(pyc.zipPath, pycTree);
  f.pycOnly = { unzippedBytes: pycSize.unzippedBytes, smoke: await smokeTests(pyc.zipPath, recipe) };
  f.breakdowns = { naive: naiveSize.breakdown, layerforge: oursSize.breakdown, pycOnly: pycSize.breakdown };
  return { figures: f, naiveTree, cacheDir: last.cacheDir };
}
