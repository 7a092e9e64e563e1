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

/** Where the plan and the export leave what the manifest records; outside /opt, so not in the layer. */
export const BUILD_META_DIR = '/layerforge-meta';

/** pip's install report: each wheel's URL and sha256, which build-meta.ts reads for the manifest. */
export const PYTHON_REPORT = `${BUILD_META_DIR}/python-report.json`;
// A requirement starts with a letter or digit (schema-values.ts), so no line can end the heredoc.
const REQUIREMENTS_END = '.layerforge-requirements';

/** The Python the build image runs: the official images' is the runtime's; a stand-in says its own. */
export function buildImagePython(base: ResolvedBase, runtime: LambdaRuntime): string | undefined {
  const definition = base.loaded.definition;
  if (definition.source.kind === 'registry') return runtime.version;
  return 'languages' in definition ? definition.languages.python : undefined;
}

function pythonStep(recipe: Recipe, runtime: LambdaRuntime, base: ResolvedBase): string[] {
  const python = recipe.install.python;
  if (!python) return [];
  // build-layer.ts only lets Python requirements through for a python runtime.
  const version = runtime.version;
  const arch = architectureInfo(base.arch).pipPlatform as 'x86_64' | 'aarch64';
  const abi = `cp${version.replace('.', '')}`;
  const hashed = python.requirements.every((r) => /\s--hash=sha256:[0-9a-f]{64}/.test(r));
  // The target's Python, ABI and glibc, never the build image's: the wheel must load on Lambda.
  const target = [
    '--implementation cp',
    `--python-version ${version}`,
    `--abi ${abi}`,
    ...manylinuxPlatforms(runtime.os.glibc, arch).map((p) => `--platform ${p}`),
  ];
  const pip = 'python3 -m pip install --no-compile --no-cache-dir --disable-pip-version-check';
  const install = (file: string, extra: string[]) =>
    [pip, '--target /opt/python', ...extra, ...target, `--report ${PYTHON_REPORT}`, '-r', file].join(' ');
  const lines = [
    `echo ${shellQuote(`layerforge: pip install for Python ${version}, ${arch}, glibc ≤ ${runtime.os.glibc}`)}`,
    // A file, not arguments: hashes (--hash per requirement) are only read from a file.
    `cat > "$WORK/requirements.txt" <<'${REQUIREMENTS_END}'`,
    ...python.requirements,
    REQUIREMENTS_END,
  ];
  const hashes = hashed ? ['--require-hashes'] : [];
  const own = buildImagePython(base, runtime);
  if (python.binaryOnly)
    return [...lines, install('"$WORK/requirements.txt"', ['--only-binary=:all:', ...hashes])];
  if (own !== version) {
    // An sdist would be compiled by the build image's Python for its own ABI: refuse it.
    const reason = `a package has no wheel for Python ${version} (${arch}, glibc ≤ ${runtime.os.glibc}), and its sdist cannot be built here: the build image of ${base.name} has Python ${own ?? 'none'}, not ${version}`;
    return [
      ...lines,
      `${install('"$WORK/requirements.txt"', ['--only-binary=:all:', ...hashes])} || { echo ${shellQuote(`layerforge: ${reason}; pip names the package above`)} >&2; exit 3; }`,
    ];
  }
  // The build image's Python is the target's: a package without a wheel for the target is built
  // from its sdist by that Python. pip takes --platform with sdists only under --no-deps, so the
  // closure must be known first: a hash-pinned lock is one. Otherwise pip resolves for the
  // target's tags, wheels only (versions whose wheels load there), and only when that fails is
  // the closure resolved by the build image's Python and installed pin by pin, sdists built.
  if (hashed) return [...lines, install('"$WORK/requirements.txt"', ['--no-deps', ...hashes])];
  return [
    ...lines,
    `if ! ${install('"$WORK/requirements.txt"', ['--only-binary=:all:'])}; then`,
    `  echo ${shellQuote(`layerforge: not every package has a wheel for the target; resolving with the build image's Python ${version} to build the missing ones from their sdists`)}`,
    '  rm -rf /opt/python',
    `  ${pip} --dry-run --ignore-installed --quiet --report "$WORK/resolved.json" -r "$WORK/requirements.txt"`,
    `  python3 -c ${shellQuote(PINS_FROM_REPORT)} "$WORK/resolved.json" > "$WORK/pinned.txt"`,
    `  ${install('"$WORK/pinned.txt"', ['--no-deps'])}`,
    'fi',
  ];
}

// name==version for each package of a pip report: the closure the resolver chose.
const PINS_FROM_REPORT = [
  'import json, sys',
  'for item in json.load(open(sys.argv[1]))["install"]:',
  '    m = item["metadata"]',
  '    print(m["name"] + "==" + m["version"])',
].join('\n');

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

/**
 * rpm's database needs rpm to read, which the Amazon Linux build images have: the plan writes
 * every installed package and the owner of every exported file, for the manifest. Debian's
 * dpkg files are plain text and are read from the stopped container instead.
 */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\n';

function osPackagesStep(base: ResolvedBase): string[] {
  if (base.packageManager === 'apt') return [];
  const meta = BUILD_META_DIR;
  return [
    'if command -v rpm >/dev/null 2>&1; then',
    `  rpm -qa --qf '${RPM_QUERY_FORMAT}' > ${meta}/os-packages.txt`,
    `  if [ -s ${meta}/exported.tsv ]; then`,
    `    tab=$(printf '\\t')`,
    `    while IFS="$tab" read -r layer origin real; do`,
    // rpm prints "file … is not owned by any package" on stdout: a line with spaces is no name.
    `      rpm -qf --qf '%{NAME}\\n' "$real" "$origin" 2>/dev/null | while read -r owner; do`,
    `        case "$owner" in *' '* | '') ;; *) printf '%s\\t%s\\n' "$layer" "$owner" ;; esac`,
    '      done',
    `    done < ${meta}/exported.tsv > ${meta}/os-owners.tsv`,
    '  fi',
    'fi',
  ];
}

/** The shell script the build container runs: packages, Python wheels, npm packages, the recipe's script, export. */
export function buildPlan(recipe: Recipe, runtime: LambdaRuntime, base: ResolvedBase): string {
  return [
    '#!/bin/sh',
    '# Generated by layerforge for one build; runs in the build container.',
    'set -eu',
    `mkdir -p /opt "$WORK" ${BUILD_META_DIR}`,
    ...packagesStep(recipe, base),
    ...pythonStep(recipe, runtime, base),
    ...nodeStep(recipe, runtime, base),
    ...scriptStep(recipe, base),
    ...exportStep(recipe),
    ...osPackagesStep(base),
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
