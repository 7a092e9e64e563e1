import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { PULL_POLICIES } from '../core/base-images/image-presence.js';
import { BYTECODE_MODES } from '../core/builder/bytecode.js';
import type { BuildLayerOptions } from '../core/builder/types.js';
import { PRUNE_PROFILES } from '../core/prune/rules.js';
import { UserError } from '../core/errors.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import type { CommandContext, OptionSpec } from './command.js';
import { boolOption, listOption, stringOption } from './command.js';
import { baseFrom, baseOption, recipeDirsFrom, recipesOption } from './shared-options.js';

/** Flags shared by `build`, `test`, `publish <recipe>` and the picker. */
export const buildOptionSpecs: OptionSpec[] = [
  {
    flags: '--runtime <id>',
    repeatable: true,
    description: "target Lambda runtime (default: the recipe's first); several make a matrix",
  },
  {
    flags: '--arch <arch>',
    repeatable: true,
    description: 'x86_64 or arm64 (default: x86_64); both make a matrix',
  },
  baseOption,
  {
    flags: '--pull <when>',
    description:
      'official images: missing (default: pull only what is absent), always (refresh moving tags) or never',
  },
  { flags: '--out <dir>', description: 'folder for the zip and manifest', defaultValue: 'dist' },
  { flags: '--no-cache', description: 'rebuild even if an artifact with the same inputs exists' },
  { flags: '--no-audit', description: 'skip the audit (GLIBC versions, missing libraries, arch)' },
  { flags: '--sources <dir>', description: 'folder with source files for offline builds' },
  {
    flags: '--allow-local-sources',
    description: 'let recipe sources download from this machine (loopback), e.g. a local mirror',
  },
  {
    flags: '--reserve-mb <mb>',
    description: 'MB of the 250 MB already used by the function and other layers',
  },
  {
    flags: '--prune <profile>',
    description: 'none, safe (default) or max; every rule is checked by the smoke tests',
  },
  {
    flags: '--bytecode <mode>',
    description: 'Python bytecode: auto (default: pyc unless --prune none), none, pyc or pyc-only',
  },
  recipesOption,
];

/** A value from a fixed list, or a UserError naming the choices. */
function choice<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`, {
    hint:
      flag === '--prune'
        ? 'safe is the default; max adds aggressive rules, none ships the layer as built'
        : undefined,
  });
}

/**
 * The output folder, checked before any build starts: an empty name or an existing file would
 * otherwise fail only after minutes of building, when the zip is renamed into place.
 */
export function checkOutDir(outDir: string | undefined, cwd: string): string | undefined {
  if (outDir === undefined) return undefined;
  if (outDir.trim() === '') {
    throw new UserError('--out must name a folder, got an empty string', {
      hint: 'leave --out out to write to dist, or give a folder such as --out build/layers',
    });
  }
  const stat = statSync(resolve(cwd, outDir), { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) {
    throw new UserError(`--out ${outDir} is a file, not a folder`, {
      hint: 'give a folder for the zip and manifest; it is created when missing',
    });
  }
  return outDir;
}

/** Turns flags (and layerforge.config.yaml) into core build options. */
export async function buildOptionsFrom(
  spec: string,
  options: Record<string, unknown>,
  ctx: CommandContext,
): Promise<BuildLayerOptions> {
  const config = await loadConfig(ctx.cwd);
  const reserve = stringOption(options, 'reserveMb');
  const reserveMB = reserve === undefined ? config.reserveMB : Number(reserve);
  if (reserveMB !== undefined && (!Number.isFinite(reserveMB) || reserveMB < 0)) {
    throw new UserError(`--reserve-mb must be a number of MB, got "${reserve}"`);
  }
  const arch = listOption(options, 'arch')[0];
  return {
    recipe: spec,
    runtime: listOption(options, 'runtime')[0],
    arch: arch === undefined ? undefined : parseArchitecture(arch),
    base: baseFrom(options, ctx, config),
    outDir: checkOutDir(stringOption(options, 'out') ?? config.outDir, ctx.cwd),
    recipeDirs: await recipeDirsFrom(options, ctx),
    // commander turns --no-cache into cache: false.
    noCache: options.cache === false,
    noAudit: options.audit === false,
    sourcesDir: stringOption(options, 'sources'),
    allowLocalSources: boolOption(options, 'allowLocalSources'),
    reservedBytes: reserveMB === undefined ? undefined : Math.round(reserveMB * 1024 * 1024),
    test: boolOption(options, 'test'),
    prune: choice('--prune', stringOption(options, 'prune'), PRUNE_PROFILES),
    bytecode: choice('--bytecode', stringOption(options, 'bytecode'), BYTECODE_MODES),
    pull: choice('--pull', stringOption(options, 'pull'), PULL_POLICIES),
  };
}
