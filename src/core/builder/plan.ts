import type { ResolvedBase } from '../base-images/resolve.js';
import type { Recipe, RecipeOsId } from '../recipes/schema.js';
import { NPM_CPU } from '../base-images/nodejs-images.js';
import { architectureInfo, type LambdaRuntime } from '../runtimes/catalog.js';

/** Quotes a value for POSIX sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The manylinux platform tags a wheel may carry to load on `glibc` for `arch`, newest first:
 * pip is told the target's tags, never the build container's.
 */
export function manylinuxPlatforms(glibc: string, arch: 'x86_64' | 'aarch64'): string[] {
  const minor = Number(glibc.split('.')[1]);
  const tags: string[] = [];
  for (let m = minor; m >= 17; m--) tags.push(`manylinux_2_${m}_${arch}`);
  tags.push(`manylinux2014_${arch}`);
  if (arch === 'x86_64') tags.push('manylinux2010_x86_64', 'manylinux1_x86_64');
  return tags;
}

function packagesStep(recipe: Recipe, base: ResolvedBase): string[] {
  const packages = recipe.install.packages?.[base.os.id as RecipeOsId];
  if (!recipe.install.packages) return [];
  if (!packages)
    return [`echo ${shellQuote(`layerforge: the recipe lists no packages for ${base.os.id}`)} >&2`, 'exit 3'];
  const names = packages.map(shellQuote).join(' ');
  const install =
    base.packageManager === 'apt'
      ? [`apt-get update -qq`, `apt-get install -y --no-install-recommends ${names}`]
      : [`${base.packageManager} install -y ${names}`];
  return ['echo "layerforge: installing OS packages"', ...install];
}

function pythonStep(recipe: Recipe, runtime: LambdaRuntime, base: ResolvedBase): string[] {
  const python = recipe.install.python;
  if (!python) return [];
  // build-layer.ts only lets Python requirements through for a python runtime.
  const version = runtime.version;
  const arch = architectureInfo(base.arch).pipPlatform as 'x86_64' | 'aarch64';
  const abi = `cp${version.replace('.', '')}`;
  const platformArgs = python.binaryOnly
    ? [
        '--only-binary=:all:',
        '--implementation cp',
        `--python-version ${version}`,
        `--abi ${abi}`,
        // The target runtime's glibc, not the build image's: the wheel must load on Lambda.
        ...manylinuxPlatforms(runtime.os.glibc, arch).map((p) => `--platform ${p}`),
      ]
    : [];
  return [
    `echo ${shellQuote(`layerforge: pip install for Python ${version}, ${arch}, glibc ≤ ${runtime.os.glibc}`)}`,
    [
      'python3 -m pip install --no-compile --no-cache-dir --disable-pip-version-check --target',
      '/opt/python',
      ...platformArgs,
      ...python.requirements.map(shellQuote),
    ].join(' '),
  ];
}

/** Where Lambda's Node runtimes find a layer's packages: /opt/nodejs/node_modules is on NODE_PATH. */
export const NODE_LAYER_DIR = '/opt/nodejs';

/**
 * npm for the target, never the build container: linux, the target's CPU, glibc, so optional
 * per-platform packages (sharp's @img/sharp-linux-x64 ...) are the ones Lambda loads. `npm ci`
 * installs a project's lock file exactly; without one, `npm install` resolves. package.json (and
 * the lock) stay in nodejs/: they say what the layer holds.
 */
function nodeStep(recipe: Recipe, runtime: LambdaRuntime, base: ResolvedBase): string[] {
  const node = recipe.install.node;
  if (!node) return [];
  // resolve-target.ts only lets npm packages through for a nodejs runtime.
  const cpu = NPM_CPU[base.arch];
  const flags = [
    '--os=linux',
    `--cpu=${cpu}`,
    '--libc=glibc',
    '--omit=dev',
    '--no-audit',
    '--no-fund',
    '--cache "$WORK/npm-cache"',
  ].join(' ');
  const dir = shellQuote(NODE_LAYER_DIR);
  const header = [
    `echo ${shellQuote(`layerforge: npm for Node ${runtime.version}, linux ${cpu}, glibc ≤ ${runtime.os.glibc}`)}`,
    `mkdir -p ${dir}`,
    `cd ${dir}`,
  ];
  if (node.packages) {
    return [
      ...header,
      `echo '{ "private": true }' > package.json`,
      `npm install ${flags} --save ${node.packages.map(shellQuote).join(' ')}`,
    ];
  }
  const project = shellQuote(`/recipe/${node.project ?? ''}`);
  return [
    ...header,
    `cp ${project}/package.json package.json`,
    `if [ -f ${project}/package-lock.json ]; then`,
    `  cp ${project}/package-lock.json package-lock.json`,
    `  npm ci ${flags}`,
    'else',
    `  npm install ${flags}`,
    'fi',
  ];
}

function scriptStep(recipe: Recipe, base: ResolvedBase): string[] {
  const script = recipe.install.script;
  if (!script) return [];
  const file = typeof script === 'string' ? script : script[base.os.id as RecipeOsId];
  if (!file)
    return [
      `echo ${shellQuote(`layerforge: the recipe has no build script for ${base.os.id}`)} >&2`,
      'exit 3',
    ];
  const path = shellQuote(`/recipe/${file}`);
  return [
    `echo ${shellQuote(`layerforge: running ${file}`)}`,
    `cd "$WORK"`,
    `if command -v bash >/dev/null; then bash ${path}; else sh ${path}; fi`,
  ];
}

function exportStep(recipe: Recipe): string[] {
  const e = recipe.export;
  const items = [
    ...(e?.binaries ?? []).map((b) => `bin:${b}`),
    ...(e?.libraries ?? []).map((l) => `lib:${l}`),
    ...(e?.data ?? []).map((d) => `data:${d.from}:${d.to}`),
  ];
  // No trailing space when the recipe names nothing: the plan is shown to people as is.
  const command = [
    'sh /layerforge/export-closure.sh /layerforge/runtime-libraries.txt',
    ...items.map(shellQuote),
  ];
  return ['echo "layerforge: exporting the shared-library closure"', command.join(' ')];
}

/** The shell script the build container runs: packages, Python wheels, npm packages, the recipe's script, export. */
export function buildPlan(recipe: Recipe, runtime: LambdaRuntime, base: ResolvedBase): string {
  return [
    '#!/bin/sh',
    '# Generated by layerforge for one build; runs in the build container.',
    'set -eu',
    'mkdir -p /opt "$WORK"',
    ...packagesStep(recipe, base),
    ...pythonStep(recipe, runtime, base),
    ...nodeStep(recipe, runtime, base),
    ...scriptStep(recipe, base),
    ...exportStep(recipe),
    'echo "layerforge: build steps done"',
    '',
  ].join('\n');
}

/**
 * The variables layerforge sets for every build and the recipe's script reads: `--build-env`
 * and `buildEnv` cannot change them (a test keeps this list and `buildEnvironment` in step).
 */
export const RESERVED_BUILD_ENV = [
  'PREFIX',
  'JOBS',
  'WORK',
  'SOURCES',
  'RECIPE_DIR',
  'PYTHON_VERSION',
  'PKG_CONFIG_PATH',
  'PIP_BREAK_SYSTEM_PACKAGES',
] as const;

/** Environment of the build container: what recipe scripts may rely on. */
export function buildEnvironment(
  runtime: LambdaRuntime,
  base: ResolvedBase,
  jobs: number,
): Record<string, string> {
  return {
    PREFIX: '/opt',
    JOBS: String(jobs),
    WORK: '/tmp/layerforge-work',
    SOURCES: '/sources',
    RECIPE_DIR: '/recipe',
    LAYERFORGE_RUNTIME: runtime.id,
    LAYERFORGE_RUNTIME_FAMILY: runtime.family,
    LAYERFORGE_ARCH: base.arch,
    LAYERFORGE_OS: base.os.id,
    LAYERFORGE_GLIBC: base.os.glibc,
    ...(runtime.family === 'python' ? { PYTHON_VERSION: runtime.version } : {}),
    PKG_CONFIG_PATH: '/opt/lib/pkgconfig',
    PIP_BREAK_SYSTEM_PACKAGES: '1',
  };
}
