import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configBuildEnv, loadConfig, type LayerforgeConfig } from '../core/config.js';
import { parseBuildEnvEntry, resolveBuildEnv } from '../core/builder/build-env.js';
import { PULL_POLICIES } from '../core/base-images/image-presence.js';
import { BYTECODE_MODES } from '../core/builder/bytecode.js';
import type { BuildLayerOptions } from '../core/builder/types.js';
import { PRUNE_PROFILES } from '../core/prune/rules.js';
import { UserError } from '../core/errors.js';
import {
  CACHE_MODES,
  remoteCacheFrom,
  type FromSource,
  type RemoteCache,
} from '../core/remote-cache/location.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import type { CommandContext } from './command.js';
import { choice, flag, list, negated, text, textOrOff, type OptionValues } from './options.js';
import { baseFrom, baseOptions, recipeDirsFrom, recipeOptions } from './shared-options.js';

/** What build containers get: every command that may run a build (`build`, `test`, `publish`, `pick`, `invoke`). */
export const buildEnvOptions = {
  // A value may hold commas (NO_PROXY=a,b): one variable per flag.
  buildEnv: list(
    '--build-env <KEY[=VALUE]>',
    "a variable for build containers, e.g. PIP_INDEX_URL; KEY alone passes this machine's value; repeatable (also buildEnv in layerforge.config.yaml); values are redacted from all output",
    false,
  ),
  dockerNetwork: text(
    '--docker-network <network>',
    "the Docker network build containers join, e.g. host to reach a proxy on this machine's loopback (also dockerNetwork in layerforge.config.yaml)",
  ),
};

/**
 * The build env and network from the flags and the config file: entries of the config first,
 * then the flags (a later one wins). Values become secrets of the job, redacted from every
 * output; a `KEY` this machine does not set is not passed, with a warning.
 */
export function buildEnvFrom(
  options: OptionValues<typeof buildEnvOptions>,
  config: LayerforgeConfig,
  ctx: CommandContext,
): { buildEnv: Record<string, string>; dockerNetwork?: string } {
  const entries = [
    ...configBuildEnv(config).map((e) => parseBuildEnvEntry(e, 'buildEnv in layerforge.config.yaml')),
    ...options.buildEnv.map((e) => parseBuildEnvEntry(e, '--build-env')),
  ];
  const { values, unset } = resolveBuildEnv(entries, ctx.env);
  for (const value of Object.values(values)) ctx.job.redactor.addValue(value);
  for (const { name, from } of unset) {
    ctx.sink({
      type: 'warning',
      code: 'build-env-unset',
      message: `${name} (${from}) is not set in this environment, so build containers do not get it`,
    });
  }
  const dockerNetwork = options.dockerNetwork ?? config.dockerNetwork;
  return { buildEnv: values, ...(dockerNetwork ? { dockerNetwork } : {}) };
}

/** Flags shared by `build`, `test`, `publish <recipe>` and the picker. */
export const buildOptions = {
  runtime: list(
    '--runtime <id>',
    "target Lambda runtime (default: the recipe's first); several make a matrix",
  ),
  arch: list('--arch <arch>', 'x86_64 or arm64 (default: x86_64); both make a matrix'),
  ...baseOptions,
  pull: choice(
    '--pull <when>',
    'official images: missing (default: pull only what is absent), always (refresh moving tags) or never',
    PULL_POLICIES,
  ),
  // No commander default: it would always win over outDir in layerforge.config.yaml.
  out: text(
    '--out <dir>',
    'folder for the zip and manifest (default: outDir in layerforge.config.yaml, else dist)',
  ),
  cache: textOrOff(
    '--cache <url>',
    'a cache of built layers shared with other machines: s3://bucket/prefix, with the AWS settings publish uses (also $LAYERFORGE_CACHE_URL, cache.url in layerforge.config.yaml)',
    '--no-cache',
    'rebuild even if an artifact with the same inputs exists (the remote cache is still written)',
  ),
  cacheMode: choice(
    '--cache-mode <mode>',
    'the remote cache: readwrite (default), read (for untrusted jobs such as forks), write or off (also $LAYERFORGE_CACHE_MODE, cache.mode in layerforge.config.yaml)',
    CACHE_MODES,
  ),
  audit: negated('--no-audit', 'skip the audit (GLIBC versions, missing libraries, arch)'),
  sources: text('--sources <dir>', 'folder with source files for offline builds'),
  allowLocalSources: flag(
    '--allow-local-sources',
    'let recipe sources download from this machine (loopback), e.g. a local mirror',
  ),
  reserveMb: text('--reserve-mb <mb>', 'MB of the 250 MB already used by the function and other layers'),
  prune: choice(
    '--prune <profile>',
    'none, safe (default) or max; every rule is checked by the smoke tests',
    PRUNE_PROFILES,
    'safe is the default; max adds aggressive rules, none ships the layer as built',
  ),
  bytecode: choice(
    '--bytecode <mode>',
    'Python bytecode: auto (default: pyc unless --prune none), none, pyc or pyc-only',
    BYTECODE_MODES,
  ),
  ...buildEnvOptions,
  ...recipeOptions,
};

/**
 * For a command that builds one layer (`publish <recipe>`, `pick`): several --runtime or --arch
 * values are bad input. Taking the first and dropping the rest would publish or preselect
 * something other than what was asked for.
 */
export function refuseSeveralTargets(
  options: { runtime: string[]; arch: string[] },
  command: string,
  hint: string,
): void {
  for (const [flag, values] of [
    ['--runtime', options.runtime],
    ['--arch', options.arch],
  ] as const) {
    if (values.length > 1)
      throw new UserError(`${command} takes one ${flag}, got ${values.length}: ${values.join(', ')}`, {
        hint,
      });
  }
}

/**
 * The output folder, checked before any build starts: an empty name or an existing file would
 * otherwise fail only after minutes of building, when the zip is renamed into place.
 */
export function checkOutDir(outDir: string | undefined, cwd: string, from = '--out'): string | undefined {
  if (outDir === undefined) return undefined;
  if (outDir.trim() === '') {
    throw new UserError(`${from} must name a folder, got an empty string`, {
      hint: 'leave --out out to write to dist, or give a folder such as --out build/layers',
    });
  }
  const stat = statSync(resolve(cwd, outDir), { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    throw new UserError(`${from} ${outDir} is a file, not a folder`, {
      hint: 'give a folder for the zip and manifest; it is created when missing',
    });
  }
  return outDir;
}

/** The first of the flag, the environment and the config file that sets it, with where it came from. */
function firstOf(...settings: [string | undefined, string][]): FromSource<string> | undefined {
  for (const [value, from] of settings) if (value !== undefined && value !== '') return { value, from };
  return undefined;
}

/** The remote cache: --cache and --cache-mode, then LAYERFORGE_CACHE_URL and _MODE, then `cache` in the config. */
function remoteCacheSetting(
  options: OptionValues<typeof buildOptions>,
  config: LayerforgeConfig,
  ctx: CommandContext,
): RemoteCache | undefined {
  return remoteCacheFrom({
    url: firstOf(
      [typeof options.cache === 'string' ? options.cache : undefined, '--cache'],
      [ctx.env.LAYERFORGE_CACHE_URL, 'LAYERFORGE_CACHE_URL'],
      [config.cache?.url, 'cache.url in layerforge.config.yaml'],
    ),
    mode: firstOf(
      [options.cacheMode, '--cache-mode'],
      [ctx.env.LAYERFORGE_CACHE_MODE, 'LAYERFORGE_CACHE_MODE'],
      [config.cache?.mode, 'cache.mode in layerforge.config.yaml'],
    ),
  });
}

/**
 * Turns flags (and layerforge.config.yaml) into core build options. Each setting comes from
 * its flag, then the config file, then the default. `runtime` and `arch` are the first values:
 * a matrix command expands the lists itself, the others refuse several (`refuseSeveralTargets`).
 */
export async function buildOptionsFrom(
  spec: string,
  options: OptionValues<typeof buildOptions> & { test?: boolean },
  ctx: CommandContext,
): Promise<BuildLayerOptions> {
  const config = await loadConfig(ctx.cwd);
  const reserve = options.reserveMb;
  const reserveMB = reserve === undefined ? config.reserveMB : Number(reserve);
  if (reserveMB !== undefined && (!Number.isFinite(reserveMB) || reserveMB < 0)) {
    throw new UserError(`--reserve-mb must be a number of MB, got "${reserve}"`);
  }
  const arch = options.arch[0];
  return {
    recipe: spec,
    runtime: options.runtime[0],
    arch: arch === undefined ? undefined : parseArchitecture(arch),
    base: baseFrom(options, ctx, config),
    outDir:
      options.out !== undefined
        ? checkOutDir(options.out, ctx.cwd)
        : checkOutDir(config.outDir, ctx.cwd, 'outDir in layerforge.config.yaml'),
    recipeDirs: await recipeDirsFrom(options, ctx),
    noCache: options.cache === false,
    remoteCache: remoteCacheSetting(options, config, ctx),
    noAudit: !options.audit,
    sourcesDir: options.sources,
    allowLocalSources: options.allowLocalSources,
    reservedBytes: reserveMB === undefined ? undefined : Math.round(reserveMB * 1024 * 1024),
    test: options.test === true,
    prune: options.prune,
    bytecode: options.bytecode,
    pull: options.pull,
    ...buildEnvFrom(options, config, ctx),
  };
}
