import { loadBaseImage, DEFAULT_BASE } from '../base-images/definition.js';
import { resolveBase, type ResolvedBase } from '../base-images/resolve.js';
import { UserError } from '../errors.js';
import type { JobPlace } from '../job-context.js';
import type { LayerManifest } from '../layer/manifest.js';
import type { LoadedRecipe } from '../recipes/load.js';
import type { RecipeOsId } from '../recipes/schema.js';
import { resolveRecipe } from '../recipes/catalog.js';
import { getRuntime, type Architecture, type LambdaRuntime } from '../runtimes/catalog.js';
import type { BuildLayerOptions } from './types.js';

/** What one build makes: a recipe version for one runtime and arch, on one base image pair. */
export interface BuildTarget {
  loaded: LoadedRecipe;
  runtime: LambdaRuntime;
  arch: Architecture;
  base: ResolvedBase;
}

/** Resolves and checks the options before anything is started or written (bad input: exit 2). */
export async function resolveBuildTarget(options: BuildLayerOptions, job: JobPlace): Promise<BuildTarget> {
  const { env } = job;
  const loaded = await resolveRecipe(options.recipe, options.recipeDirs ?? [], job.cwd, {
    allowLocalSources: options.allowLocalSources,
  });
  const { recipe } = loaded;
  const runtimeId = options.runtime ?? recipe.runtimes[0] ?? '';
  const runtime = getRuntime(runtimeId);
  if (!recipe.runtimes.includes(runtime.id)) {
    throw new UserError(`recipe ${recipe.name} does not support ${runtime.id}`, {
      hint: `it supports ${recipe.runtimes.join(', ')}`,
    });
  }
  const arch =
    options.arch ??
    (recipe.architectures.includes('x86_64') ? 'x86_64' : (recipe.architectures[0] ?? 'x86_64'));
  if (!recipe.architectures.includes(arch)) {
    throw new UserError(`recipe ${recipe.name} does not support ${arch}`, {
      hint: `it supports ${recipe.architectures.join(', ')}`,
    });
  }
  if (recipe.install.python && runtime.family !== 'python') {
    throw new UserError(
      `recipe ${recipe.name} installs Python packages, which need a python runtime, not ${runtime.id}`,
      {
        hint: `pick one of ${recipe.runtimes.filter((r) => r.startsWith('python')).join(', ') || 'the python runtimes'}`,
      },
    );
  }
  if (recipe.install.node && runtime.family !== 'nodejs') {
    throw new UserError(
      `recipe ${recipe.name} installs npm packages, which need a nodejs runtime, not ${runtime.id}`,
      {
        hint: `pick one of ${recipe.runtimes.filter((r) => r.startsWith('nodejs')).join(', ') || 'the nodejs runtimes'}`,
      },
    );
  }
  const base = options.resolvedBase
    ? resolvedFor(options.resolvedBase, arch)
    : await resolveBase(
        await loadBaseImage(options.base ?? env.LAYERFORGE_BASE ?? DEFAULT_BASE),
        runtime,
        arch,
      );
  return { loaded, runtime, arch, base };
}

/** A base the caller resolved: its images are for one arch, which must be the build's. */
function resolvedFor(base: ResolvedBase, arch: Architecture): ResolvedBase {
  if (base.arch !== arch) throw new Error(`base ${base.name} was resolved for ${base.arch}, not ${arch}`);
  return base;
}

/** `dist/<recipe>-<version>-<runtime>-<arch>.zip`. */
export function artifactName(target: BuildTarget): string {
  const { recipe } = target.loaded;
  return `${recipe.name}-${recipe.version}-${target.runtime.id}-${target.arch}.zip`;
}

/**
 * The manifest's `recipe`: name, version, license, and `osVersion` (the recipe's `osVersions`
 * entry for the OS the layer is built on) when the recipe gives one for that OS.
 */
export function manifestRecipe(target: BuildTarget): NonNullable<LayerManifest['recipe']> {
  const { recipe } = target.loaded;
  const osVersion = recipe.osVersions?.[target.base.os.id as RecipeOsId];
  return {
    name: recipe.name,
    version: recipe.version,
    license: recipe.license,
    ...(osVersion === undefined ? {} : { osVersion }),
  };
}
