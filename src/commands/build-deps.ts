import { loadConfig } from '../core/config.js';
import type { DependencyInputs } from '../core/dependencies/index.js';
import type { BuildLayerOptions } from '../core/builder/types.js';
import { UserError, type ExitCode } from '../core/errors.js';
import type { Architecture } from '../core/runtimes/catalog.js';
import type { CommandContext } from './command.js';
import { buildCells, buildOne } from './build-run.js';
import { flag, list, text } from './options.js';

/** Flags that build from the user's dependency files instead of a recipe (`build`, `init --from`). */
export const dependencyOptions = {
  requirement: list('-r, --requirement <file>', 'build from a requirements.txt (repeatable)', false),
  pip: list('--pip <spec>', "a pip requirement to build from, e.g. 'pillow>=11' (repeatable)", false),
  npm: list('--npm <spec>', 'an npm package to build from, e.g. sharp@0.34.5 (repeatable)', false),
  name: text('--name <name>', 'the layer name for dependency builds (default: the project or folder name)'),
  skipImport: list(
    '--skip-import <name>',
    'a module or npm package the derived import tests leave out (repeatable)',
  ),
};

/** A spec names a project folder when it is a path: `./svc`, `svc/`, `.`. */
export const isFolderSpec = (spec: string) => spec === '.' || spec === '..' || spec.includes('/');

/** The dependency inputs the flags and specs give. */
export function dependencyInputsFrom(
  specs: string[],
  options: {
    requirement: string[];
    pip: string[];
    npm: string[];
    name?: string;
    skipImport: string[];
    runtime: string[];
  },
): DependencyInputs {
  const folders = specs.filter(isFolderSpec);
  if (folders.length > 1) throw new UserError(`give one project folder, got ${folders.join(', ')}`);
  if (folders.length === 1 && specs.length > 1)
    throw new UserError('give a project folder or recipe names, not both');
  return {
    requirementFiles: options.requirement,
    pip: options.pip,
    npm: options.npm,
    ...(folders[0] === undefined ? {} : { project: folders[0] }),
    ...(options.name === undefined ? {} : { name: options.name }),
    runtimes: options.runtime,
    skipImports: options.skipImport,
  };
}

/** Builds the layer (or the runtime × arch matrix) of a recipe made from dependency files. */
export async function buildFromDependencies(
  inputs: DependencyInputs,
  request: { runtimes: string[]; archs: Architecture[]; hosts: string[]; jobs: number; refresh: boolean },
  base: BuildLayerOptions,
  ctx: CommandContext,
): Promise<ExitCode> {
  const config = await loadConfig(ctx.cwd);
  // Loaded here, not with the command: a build of a named recipe (a cache hit above all) needs
  // neither the lock-file readers nor the YAML writer.
  const { DEFAULT_RESOLVE_MAX_AGE_HOURS, prepareDependencyRecipe, resolveMaxAgeMs } =
    await import('../core/dependencies/index.js');
  const deps = await prepareDependencyRecipe(inputs, ctx.job);
  try {
    const options: BuildLayerOptions = {
      ...base,
      recipe: deps.spec,
      // The synthesized folder first: its name@version is found there before any other.
      recipeDirs: [deps.loaded.dir, ...(base.recipeDirs ?? [])],
      resolveMaxAgeMs: resolveMaxAgeMs(
        deps.synth,
        config.resolveMaxAgeHours ?? DEFAULT_RESOLVE_MAX_AGE_HOURS,
        request.refresh,
      ),
    };
    const { runtimes, archs, hosts } = request;
    if (runtimes.length <= 1 && archs.length <= 1 && hosts.length <= 1) return await buildOne(options, ctx);
    return await buildCells(
      { recipes: [deps.loaded], runtimes, archs, hosts, jobs: request.jobs },
      options,
      ctx,
    );
  } finally {
    await deps.remove();
  }
}

export const refreshOption = {
  refresh: flag('--refresh', 'resolve unpinned dependencies again now instead of reusing a cached build'),
};
