/** What the benchmark measures on a built layer: sizes, smoke tests, cold import time. */
import { chmod, lstat, mkdir, readdir, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerEngine } from '../src/core/engine/docker-engine.js';
import { ignoreEvents } from '../src/core/events.js';
import { runSmokeTests } from '../src/core/builder/smoke-test.js';
import { languagePathEnvironment } from '../src/core/lambda/language-paths.js';
import { LAMBDA_ENVIRONMENT } from '../src/core/lambda/runtime-environment.js';
import { LAMBDA_USER } from '../src/core/lambda/sandbox.js';
import type { BenchRecipe } from './variants.js';
import { mustRun, run } from './shell.js';

/** Bytes by kind: what a layer is made of, to say what limits its size. */
export interface Breakdown {
  vendoredLibs: number;
  sharedObjects: number;
  bytecode: number;
  sources: number;
  other: number;
}

export interface LayerSize {
  unzippedBytes: number;
  zippedBytes: number;
  files: number;
  breakdown: Breakdown;
}

/** Extracts with Info-ZIP `unzip`, which restores the files' mtimes: (a)'s timestamp-checked .pyc stay valid, its best case. */
export async function extract(zipPath: string, dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  const opt = join(dir, 'opt');
  await mkdir(opt, { recursive: true });
  await mustRun('unzip', ['-q', zipPath, '-d', opt]);
  await chmod(dir, 0o755);
  await chmod(opt, 0o755);
  return opt;
}

/** Unzipped bytes the way the layer zip counts them: file sizes plus symlink target lengths. */
export async function measure(zipPath: string, tree: string): Promise<LayerSize> {
  const breakdown: Breakdown = { vendoredLibs: 0, sharedObjects: 0, bytecode: 0, sources: 0, other: 0 };
  let files = 0;
  let unzippedBytes = 0;
  for (const rel of await readdir(tree, { recursive: true })) {
    const path = join(tree, rel);
    const stats = await lstat(path);
    if (stats.isDirectory()) continue;
    const size = stats.isSymbolicLink() ? Buffer.byteLength(await readlink(path)) : stats.size;
    files += 1;
    unzippedBytes += size;
    if (/\.libs\//.test(rel)) breakdown.vendoredLibs += size;
    else if (/\.so(\.|$)/.test(rel)) breakdown.sharedObjects += size;
    else if (rel.endsWith('.pyc')) breakdown.bytecode += size;
    else if (rel.endsWith('.py')) breakdown.sources += size;
    else breakdown.other += size;
  }
  return { unzippedBytes, zippedBytes: (await stat(zipPath)).size, files, breakdown };
}

/** The recipe's smoke tests on a zip, exactly as `layerforge test` runs them (Lambda-like container). */
export async function smokeTests(
  zipPath: string,
  recipe: BenchRecipe,
): Promise<{ passed: number; total: number; failed: string[] }> {
  const results = await runSmokeTests(
    zipPath,
    recipe.loaded.recipe,
    recipe.runtime,
    recipe.base,
    new DockerEngine(),
    // A bench run is never cancelled.
    { sink: ignoreEvents, signal: new AbortController().signal },
  );
  return {
    passed: results.filter((r) => r.ok).length,
    total: results.length,
    failed: results.filter((r) => !r.ok).map((r) => r.name),
  };
}

function runtimeArgs(tree: string, recipe: BenchRecipe): string[] {
  const env = { ...LAMBDA_ENVIRONMENT, ...languagePathEnvironment(recipe.runtime) };
  return [
    'run',
    '--rm',
    '--read-only',
    '--tmpfs',
    '/tmp:rw,exec,size=512m',
    '--user',
    LAMBDA_USER,
    '--network',
    'none',
    '-w',
    '/var/task',
    '-v',
    `${tree}:/opt:ro`,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    '--platform',
    recipe.base.platform,
    recipe.base.runtimeImage,
  ];
}

/**
 * One cold import in a fresh container, timed inside it around the import statement: the
 * runtime image, the layer read-only at /opt, read-only root, tmpfs /tmp, non-root, no network,
 * Lambda's environment. Milliseconds, or the error when the layer cannot be imported.
 */
export async function coldImport(
  tree: string,
  recipe: BenchRecipe,
  statement: string,
): Promise<{ ms: number } | { error: string }> {
  const code = `import time\nt = time.perf_counter()\n${statement}\nprint("import-ms", (time.perf_counter() - t) * 1000)`;
  const result = await run('docker', [...runtimeArgs(tree, recipe), 'python3', '-c', code]);
  const ms = /import-ms ([\d.]+)/.exec(result.stdout)?.[1];
  if (result.code === 0 && ms !== undefined) return { ms: Number(ms) };
  const last =
    result.stderr
      .trim()
      .split('\n')
      .filter((l) => /Error/.test(l))
      .at(-1) ?? `exit ${result.code}`;
  return { error: `${last.trim()}${await diagnoseLoad(tree, recipe)}` };
}

/**
 * Why a layer does not import, when the reason is a shared object the loader refuses (numpy
 * hides it behind its own message): dlopen every shared object and report the first real refusal.
 */
async function diagnoseLoad(tree: string, recipe: BenchRecipe): Promise<string> {
  const probe = [
    'import ctypes, glob',
    "for p in sorted(glob.glob('/opt/**/*.so*', recursive=True)):",
    '    try: ctypes.CDLL(p)',
    '    except OSError as e:',
    "        if 'cannot open shared object' in str(e) or 'undefined symbol' in str(e): continue",
    "        print('refused', e); break",
  ].join('\n');
  const result = await run('docker', [...runtimeArgs(tree, recipe), 'python3', '-c', probe]);
  const refused = /^refused (.*)$/m.exec(result.stdout)?.[1];
  return refused ? ` (the loader refuses ${refused.replace(/^\/opt\//, '')})` : '';
}
