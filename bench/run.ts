/**
 * The benchmark, in one run. First the goals table of issue 17, side by side: a cold and a warm
 * pandas build against the naive script (with the cold build's per-step times, peak RSS and layer
 * size), start-up against `node -e 0` under each Node binary, zip throughput against Info-ZIP,
 * and the audit of a numpy+scipy+pandas zip against `unzip -p`. Then, for the pandas layer and a
 * second Python layer, builds (a) naive pip + zip, (b) the aws-sdk-pandas prune, (c) layerforge's
 * default and (d) layerforge max side by side (and (e) max with --bytecode pyc-only), and measures
 * sizes, cold import time in fresh Lambda-like containers, cold build and no-change rebuild time.
 * Writes docs/benchmarks.md and docs/benchmarks.svg, and appends one line to bench/history.jsonl.
 *
 *   npm run bench [-- --runs 11] [--only cold,startup,zip,audit,variants] [--recipes pandas,pydantic]
 *                 [--node <path>]… [--ci-seconds N [--ci-source TEXT]] [--keep]
 *   npm run bench -- --render <work>/figures.json     (docs again from a kept run's figures)
 *
 * Needs a Docker engine (the debian12 base images are built if missing), zip, unzip and GNU time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBaseImage } from '../src/core/base-images/definition.js';
import { ensureBaseImages } from '../src/core/base-images/ensure.js';
import { resolveBase } from '../src/core/base-images/resolve.js';
import { DockerEngine } from '../src/core/engine/docker-engine.js';
import { ignoreEvents } from '../src/core/events.js';
import { resolveRecipe } from '../src/core/recipes/catalog.js';
import { getRuntime } from '../src/core/runtimes/catalog.js';
import { writeDocs } from './docs.js';
import { coldImport, extract, measure, smokeTests, type LayerSize } from './measure.js';
import { type BenchFigures, type Machine, type RecipeFigures, type VariantFigures } from './report.js';
import { log, mustRun } from './shell.js';
import {
  buildByHand,
  buildWithLayerforge,
  VARIANT_LABELS,
  type BenchPaths,
  type BenchRecipe,
  type BuiltVariant,
} from './variants.js';
import { auditZip } from './audit-zip.js';
import { buildArgs, coldBuilds, naive } from './cold-build.js';
import type { GoalFigures } from './goals.js';
import { appendHistory, historyRecord } from './history.js';
import { nodeBinaries, startupUnder } from './startup.js';
import { compareZip } from './zip-compare.js';
import { zipFloor } from './zip-floor.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const BASE = 'debian12';
/** Cold and warm rounds of the pandas build against the naive script. */
const COLD_ROUNDS = 4;
/** What "cold import" means per layer: the statement a function's module would start with. */
const IMPORTS: Record<string, string> = {
  pandas: 'import pandas',
  pydantic: 'from pydantic import BaseModel',
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function preflight(): void {
  for (const [tool, args] of [
    ['docker', ['version', '--format', '{{.Server.Version}}']],
    ['zip', ['-v']],
    ['unzip', ['-v']],
    ['/usr/bin/time', ['-V']],
  ] as const) {
    try {
      execFileSync(tool, [...args], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(
        `the benchmark needs ${tool} (${String(error).split('\n')[0]}); on Debian: apt-get install -y docker.io zip unzip time`,
      );
    }
  }
}

function machine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryBytes: totalmem(),
    docker: execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
    }).trim(),
    node: process.versions.node,
    kernel: release(),
    loadBefore: loadavg(),
    loadAfter: [],
  };
}

/**
 * Compiles and bundles the CLI under test into the work folder, beside links to the package's data, so a
 * `tsc` run in the working tree during the benchmark cannot swap the code between two builds.
 */
async function privateBuild(work: string): Promise<string> {
  const pkg = join(work, 'layerforge');
  log(`compiling layerforge into ${pkg}`);
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  await mustRun(
    process.execPath,
    [tsc, '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(pkg, 'lib')],
    { cwd: repo },
  );
  for (const name of ['package.json', 'node_modules', 'data', 'recipes', 'base-images', 'schema']) {
    await symlink(join(repo, name), join(pkg, name));
  }
  // Bundled as `npm run build` does: bin/layerforge.js loads lib/bundle/, as users run it.
  await mustRun(process.execPath, [join(repo, 'scripts', 'bundle.mjs')], { cwd: pkg });
  await mkdir(join(pkg, 'bin'));
  for (const name of await readdir(join(repo, 'bin'))) {
    if (name.endsWith('.js')) await copyFile(join(repo, 'bin', name), join(pkg, 'bin', name));
  }
  return join(pkg, 'bin', 'layerforge.js');
}

async function benchRecipe(name: string, engine: DockerEngine, env: NodeJS.ProcessEnv): Promise<BenchRecipe> {
  const recipeDirs = [join(repo, 'bench', 'recipes')];
  const loaded = await resolveRecipe(name, recipeDirs, repo);
  const runtime = getRuntime(
    loaded.recipe.runtimes.includes('python3.11') ? 'python3.11' : (loaded.recipe.runtimes[0] ?? ''),
  );
  const base = await resolveBase(await loadBaseImage(BASE), runtime, 'x86_64');
  await ensureBaseImages(base, engine, { sink: ignoreEvents, signal: new AbortController().signal, env });
  return { loaded, runtime, base, recipeDirs };
}

interface Measured {
  built: BuiltVariant;
  tree: string;
  size: LayerSize;
  smoke: VariantFigures['smoke'];
  importMs: number[];
  importError?: string;
}

async function benchOne(
  recipe: BenchRecipe,
  paths: BenchPaths,
  runs: number,
): Promise<{ figures: RecipeFigures; measured: Measured[] }> {
  const name = recipe.loaded.recipe.name;
  const built: BuiltVariant[] = [];
  for (const id of ['a', 'b'] as const) built.push(await buildByHand(id, recipe, paths));
  for (const id of ['c', 'd', 'e'] as const) built.push(await buildWithLayerforge(id, recipe, paths));
  const measured: Measured[] = [];
  const measureOne = async (b: BuiltVariant) => {
    const tree = await extract(b.zipPath, join(paths.work, name, `${b.id}-tree`));
    log(`${name} ${VARIANT_LABELS[b.id]}: smoke tests`);
    const m: Measured = {
      built: b,
      tree,
      size: await measure(b.zipPath, tree),
      smoke: await smokeTests(b.zipPath, recipe),
      importMs: [],
    };
    return m;
  };
  for (const b of built) {
    measured.push(await measureOne(b));
    // Stripping auditwheel's *.libs/ can break the layer (docs/lambda-facts.md, "What users keep hitting", item 6); then (b′) spares
    // them, so the cost of deleting the bytecode can still be measured.
    if (b.id === 'b' && measured.at(-1)?.smoke.failed.length)
      measured.push(await measureOne(await buildByHand('b2', recipe, paths)));
  }
  const statement = IMPORTS[name] ?? `import ${name}`;
  for (let round = 1; round <= runs; round++) {
    log(`${name}: cold imports, round ${round}/${runs}`);
    // Each round starts one variant further along, so no variant always follows the same one.
    const order = measured.map((_, i) => measured[(i + round) % measured.length]);
    for (const m of order) {
      if (m === undefined || m.importError !== undefined) continue;
      const result = await coldImport(m.tree, recipe, statement);
      if ('ms' in result) m.importMs.push(result.ms);
      else m.importError = result.error;
    }
  }
  const variants = measured.map((m) => ({
    id: m.built.id,
    size: m.size,
    smoke: m.smoke,
    importMs: m.importMs,
    ...(m.importError === undefined ? {} : { importError: m.importError }),
    buildSeconds: m.built.buildSeconds,
    ...(m.built.rebuildSeconds === undefined
      ? {}
      : { rebuildSeconds: m.built.rebuildSeconds, rebuildStepsSeconds: m.built.rebuildStepsSeconds ?? NaN }),
    ...(m.built.prune === undefined ? {} : { prune: m.built.prune }),
  }));
  return {
    figures: {
      name,
      version: recipe.loaded.recipe.version,
      runtime: recipe.runtime.id,
      importStatement: statement,
      variants,
    },
    measured,
  };
}

const PARTS = ['cold', 'startup', 'zip', 'audit', 'variants'] as const;
type Part = (typeof PARTS)[number];

function parts(args: string[]): Part[] {
  const only = option(args, '--only');
  if (only === undefined) return [...PARTS];
  const chosen = only.split(',').filter(Boolean);
  const unknown = chosen.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length || chosen.length === 0)
    throw new Error(`--only takes parts among ${PARTS.join(', ')}; not ${unknown.join(', ') || 'nothing'}`);
  return chosen as Part[];
}

function repeated(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1] as string] : []));
}

function ciFigure(args: string[]): GoalFigures['ci'] {
  const given = option(args, '--ci-seconds');
  if (given === undefined) return undefined;
  const seconds = Number(given);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error('--ci-seconds takes the seconds of a .ci/run, e.g. 1001');
  return { seconds, source: option(args, '--ci-source') ?? 'given with --ci-seconds' };
}

function gitState(): { commit: string; dirty: boolean } {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
  return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
}

/** The goals' parts: each reuses what an earlier one built (the cold build's cache and naive tree). */
async function goals(chosen: Part[], paths: BenchPaths, runs: number, nodes: string[], engine: DockerEngine) {
  const figures: GoalFigures = {};
  const want = (p: Part) => chosen.includes(p);
  if (!['cold', 'startup', 'zip', 'audit'].some((p) => want(p as Part))) return { figures };
  const pandas = await benchRecipe('pandas', engine, paths.env);
  // Builds of pandas take long: COLD_ROUNDS of each side, in turns, whatever --runs says. Four,
  // not two: one cold build varies by up to 8 s with the downloads, and two runs of this bench
  // an hour apart gave 0.93x and 1.20x from medians of two (layerforge 20.7 s and 29.3 s).
  const cold = want('cold') ? await coldBuilds(pandas, paths, COLD_ROUNDS) : undefined;
  if (cold) figures.cold = cold.figures;
  // Kept as each part ends: a later part's failure must not lose half an hour of builds (--keep).
  const keep = () => writeFile(join(paths.work, 'goals.partial.json'), JSON.stringify(figures, null, 2));
  await keep();
  if (want('startup')) {
    let cacheDir = cold?.cacheDir;
    if (!cacheDir) {
      cacheDir = join(paths.work, 'startup-cache');
      log('start-up: one pandas build to hit');
      await mustRun(process.execPath, buildArgs(paths.cli, pandas, join(paths.work, 'startup-dist')), {
        cwd: repo,
        env: { ...paths.env, LAYERFORGE_CACHE_DIR: cacheDir },
      });
    }
    const commands = {
      cli: paths.cli,
      hitArgs: buildArgs(paths.cli, pandas, join(paths.work, 'startup-dist')).slice(1),
      cwd: repo,
      env: { ...paths.env, LAYERFORGE_CACHE_DIR: cacheDir },
    };
    figures.startup = [];
    for (const node of nodes) figures.startup.push(await startupUnder(node, commands, runs));
    await keep();
  }
  let zip: BenchFigures['zip'];
  if (want('zip')) {
    let tree = cold?.naiveTree;
    let bytes = cold?.figures.naiveUnzippedBytes ?? NaN;
    if (!tree) {
      const built = await naive(pandas, paths, join(paths.work, 'zip-naive'));
      tree = await extract(built.zipPath, join(paths.work, 'zip-tree'));
      bytes = (await measure(built.zipPath, tree)).unzippedBytes;
    }
    log('zip throughput on the naive pandas tree');
    zip = {
      ...(await compareZip(repo, join(dirname(dirname(paths.cli)), 'lib'), tree, bytes, paths.work, 3)),
      treeLabel: 'the naive pandas tree (pip install --target)',
    };
    log('zip floor: the small and the large files of that tree, zipped five ways');
    zip.floor = await zipFloor(tree, paths.work, 3);
  }
  if (want('audit')) figures.audit = await auditZip(pandas, paths, Math.min(runs, 5));
  return { figures, zip };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const saved = option(args, '--render');
  if (saved !== undefined) {
    // Re-render the docs from a run's figures.json (after changing the report), measuring nothing.
    await writeDocs(repo, JSON.parse(await readFile(saved, 'utf8')) as BenchFigures);
    log('wrote docs/benchmarks.md and docs/benchmarks.svg');
    return;
  }
  const runs = Number(option(args, '--runs') ?? 11);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error('--runs takes a whole number of containers, e.g. 7');
  const chosen = parts(args);
  const ci = ciFigure(args);
  const names = (option(args, '--recipes') ?? 'pandas,pydantic').split(',').filter(Boolean);
  preflight();
  const git = gitState();
  const work = await mkdtemp(join(tmpdir(), 'layerforge-bench-'));
  const cli = await privateBuild(work);
  // A private cache: the layerforge builds are cold, the rebuilds hit only what this run built.
  const paths: BenchPaths = {
    repo,
    work,
    cli,
    env: { ...process.env, LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: BASE },
  };
  const host = machine();
  log(
    `work folder ${work}; ${host.cpus} × ${host.cpuModel}, Docker ${host.docker}; parts ${chosen.join(', ')}`,
  );
  try {
    const engine = new DockerEngine();
    const measured = await goals(chosen, paths, runs, nodeBinaries(repeated(args, '--node')), engine);
    const recipes: RecipeFigures[] = [];
    for (const name of chosen.includes('variants') ? names : []) {
      recipes.push((await benchOne(await benchRecipe(name, engine, paths.env), paths, runs)).figures);
    }
    host.loadAfter = loadavg();
    const figures: BenchFigures = {
      date: new Date().toISOString(),
      command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
      machine: host,
      runs,
      base: BASE,
      recipes,
      ...(measured.zip ? { zip: measured.zip } : {}),
      goals: { ...measured.figures, ...(ci ? { ci } : {}) },
    };
    await writeDocs(repo, figures);
    await writeFile(join(work, 'figures.json'), JSON.stringify(figures, null, 2));
    await appendHistory(
      join(repo, 'bench', 'history.jsonl'),
      historyRecord(figures, git.commit, git.dirty, chosen),
    );
    log(
      `wrote docs/benchmarks.md, docs/benchmarks.svg and a line of bench/history.jsonl (raw figures: ${join(work, 'figures.json')})`,
    );
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    if (!args.includes('--keep') && existsSync(work)) await rm(work, { recursive: true, force: true });
  }
}

await main();
