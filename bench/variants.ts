/**
 * The four ways to build one Python layer that the benchmark compares:
 * (a) naive `pip install -t python/` + `zip -r`, what Klayers and a plain SAM build do;
 * (b) aws-sdk-pandas's prune (strip every *.so, delete tests, delete all bytecode) + `zip -r9`;
 * (c) layerforge's default profile; (d) layerforge `--prune max`; and (e) max with
 * `--bytecode pyc-only`, to measure what shipping bytecode without sources buys.
 * (a) and (b) run pip in the same debian12 build image, for the same Python and platform tags.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedBase } from '../src/core/base-images/resolve.js';
import { caBundleForContainer } from '../src/core/builder/ca-bundle.js';
import { manylinuxPlatforms, shellQuote } from '../src/core/builder/plan.js';
import type { LayerforgeEvent } from '../src/core/events.js';
import type { LoadedRecipe } from '../src/core/recipes/load.js';
import { architectureInfo, type LambdaRuntime } from '../src/core/runtimes/catalog.js';
import { log, mustRun } from './shell.js';

export type VariantId = 'a' | 'b' | 'b2' | 'c' | 'd' | 'e';

export const VARIANT_LABELS: Record<VariantId, string> = {
  a: '(a) pip install -t + zip',
  b: '(b) aws-sdk-pandas prune',
  b2: '(b′) same, *.libs/ not stripped',
  c: '(c) layerforge (safe)',
  d: '(d) layerforge max',
  e: '(e) max, pyc-only',
};

export interface BuiltVariant {
  id: VariantId;
  zipPath: string;
  buildSeconds: number;
  /** A second build with nothing changed: layerforge's cache hit, in a fresh process. */
  rebuildSeconds?: number;
  /** Of that, the time inside layerforge's build steps (the rest is process start-up and module loading). */
  rebuildStepsSeconds?: number;
  prune?: { rule: string; bytesSaved: number; reverted: boolean }[];
}

export interface BenchRecipe {
  loaded: LoadedRecipe;
  runtime: LambdaRuntime;
  base: ResolvedBase;
  /** Folders passed to `layerforge build --recipes`. */
  recipeDirs: string[];
}

export interface BenchPaths {
  repo: string;
  work: string;
  /** The compiled CLI under test: `node <cli> build …`. */
  cli: string;
  env: NodeJS.ProcessEnv;
}

/** Where the naive script's pip keeps its download cache, when it has one (mounted from the host). */
export const PIP_CACHE = '/pip-cache';

/** The naive `pip install --target` for the recipe's pins (and `extra` ones), pip's cache at PIP_CACHE when `cached`. */
export function pipInstall(
  recipe: BenchRecipe,
  compile: boolean,
  options: { cached?: boolean; extra?: string[] } = {},
): string {
  const python = recipe.loaded.recipe.install.python;
  if (!python) throw new Error(`${recipe.loaded.recipe.name} installs no Python packages`);
  const { version } = recipe.runtime;
  const arch = architectureInfo(recipe.base.arch).pipPlatform as 'x86_64' | 'aarch64';
  return [
    'python3 -m pip install --disable-pip-version-check -q',
    options.cached ? `--cache-dir ${PIP_CACHE}` : '--no-cache-dir',
    compile ? '' : '--no-compile',
    '--target python --only-binary=:all: --implementation cp',
    `--python-version ${version} --abi cp${version.replace('.', '')}`,
    ...manylinuxPlatforms(recipe.runtime.os.glibc, arch).map((p) => `--platform ${p}`),
    ...[...python.requirements, ...(options.extra ?? [])].map(shellQuote),
  ]
    .filter(Boolean)
    .join(' ');
}

/** aws-sdk-pandas building/lambda/build-lambda-layer.sh, "Removing nonessential files". */
const AWS_SDK_PANDAS_PRUNE = [
  `find python -name '*.so' -type f -exec strip "{}" \\;`,
  `find python -wholename "*/tests/*" -type f -delete`,
  `find python -regex '^.*\\(__pycache__\\|\\.py[co]\\)$' -delete`,
];

/** The same, sparing auditwheel's *.libs/ from strip: measured only when (b) breaks the layer. */
const AWS_SDK_PANDAS_PRUNE_SPARING_LIBS = [
  `find python -name '*.so' -type f -not -path '*.libs/*' -exec strip "{}" \\;`,
  `find python -wholename "*/tests/*" -type f -delete`,
  `find python -regex '^.*\\(__pycache__\\|\\.py[co]\\)$' -delete`,
];

/** Runs a shell script in the recipe's build image with `dir` at /out (and pip's cache folder at PIP_CACHE). */
export async function inBuildImage(
  recipe: BenchRecipe,
  dir: string,
  script: string,
  env: NodeJS.ProcessEnv,
  pipCache?: string,
): Promise<void> {
  const ca = caBundleForContainer(env);
  const uid = process.getuid?.();
  await mustRun('docker', [
    'run',
    '--rm',
    '-v',
    `${dir}:/out`,
    ...(pipCache ? ['-v', `${pipCache}:${PIP_CACHE}`] : []),
    '-w',
    '/out',
    '-e',
    'HOME=/tmp',
    ...ca.mounts.flatMap((m) => ['-v', `${m.hostPath}:${m.containerPath}:ro`]),
    ...Object.entries(ca.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(uid !== undefined && uid !== 0 ? ['--user', `${uid}:${process.getgid?.() ?? uid}`] : []),
    '--platform',
    recipe.base.platform,
    recipe.base.buildImage,
    'sh',
    '-c',
    `set -e\n${script}`,
  ]);
}

/** (a) or (b): pip in the build image, (b)'s prune there too (its strip is the image's), then Info-ZIP on the host. */
export async function buildByHand(
  id: 'a' | 'b' | 'b2',
  recipe: BenchRecipe,
  paths: BenchPaths,
): Promise<BuiltVariant> {
  const dir = join(paths.work, recipe.loaded.recipe.name, `${id}-build`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const zipPath = join(paths.work, recipe.loaded.recipe.name, `${id}.zip`);
  await rm(zipPath, { force: true });
  log(`${recipe.loaded.recipe.name} ${VARIANT_LABELS[id]}: pip install in ${recipe.base.buildImage}`);
  const started = performance.now();
  // pip compiles timestamp-checked .pyc by default: (a) keeps them, (b) deletes them anyway.
  const prune = { a: [], b: AWS_SDK_PANDAS_PRUNE, b2: AWS_SDK_PANDAS_PRUNE_SPARING_LIBS }[id];
  const script = [pipInstall(recipe, true), ...prune].join('\n');
  await inBuildImage(recipe, dir, script, paths.env);
  await mustRun('zip', ['-q', '-r', ...(id === 'a' ? [] : ['-9']), zipPath, 'python'], { cwd: dir });
  const buildSeconds = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  return { id, zipPath, buildSeconds };
}

export function eventsOf(stdout: string): LayerforgeEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{"type":'))
    .map((line) => JSON.parse(line) as LayerforgeEvent);
}

const PROFILE_FLAGS: Record<'c' | 'd' | 'e', string[]> = {
  c: [],
  d: ['--prune', 'max'],
  e: ['--prune', 'max', '--bytecode', 'pyc-only'],
};

/** (c), (d) or (e): the real, compiled CLI, cold with --no-cache, then again with nothing changed. */
export async function buildWithLayerforge(
  id: 'c' | 'd' | 'e',
  recipe: BenchRecipe,
  paths: BenchPaths,
): Promise<BuiltVariant> {
  const out = join(paths.work, recipe.loaded.recipe.name, `${id}-dist`);
  const args = [
    paths.cli,
    'build',
    recipe.loaded.recipe.name,
    '--runtime',
    recipe.runtime.id,
    '--arch',
    recipe.base.arch,
    '--base',
    recipe.base.name,
    ...recipe.recipeDirs.flatMap((d) => ['--recipes', d]),
    ...PROFILE_FLAGS[id],
    '--json',
    '--out',
    out,
  ];
  log(
    `${recipe.loaded.recipe.name} ${VARIANT_LABELS[id]}: layerforge build --no-cache ${PROFILE_FLAGS[id].join(' ')}`,
  );
  const cold = await mustRun(process.execPath, [...args, '--no-cache'], { cwd: paths.repo, env: paths.env });
  const events = eventsOf(cold.stdout);
  const done = events.find((e) => e.type === 'build.done');
  if (done?.type !== 'build.done')
    throw new Error(`layerforge build printed no build.done event:\n${cold.stderr}`);
  const again = await mustRun(process.execPath, args, { cwd: paths.repo, env: paths.env });
  const rebuildEvents = eventsOf(again.stdout);
  const hit = rebuildEvents.find((e) => e.type === 'build.done');
  if (hit?.type !== 'build.done' || !hit.cached) throw new Error('the no-change rebuild was not a cache hit');
  const stepsMs = rebuildEvents.reduce((sum, e) => sum + (e.type === 'build.step.end' ? e.ms : 0), 0);
  const manifest = JSON.parse(await readFile(done.manifestPath, 'utf8')) as { prune?: BuiltVariant['prune'] };
  return {
    id,
    zipPath: done.zipPath,
    buildSeconds: cold.seconds,
    rebuildSeconds: again.seconds,
    rebuildStepsSeconds: stepsMs / 1000,
    prune: manifest.prune ?? [],
  };
}
