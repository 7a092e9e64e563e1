import type { EventSink } from '../events.js';
import type { LoadedRecipe } from '../recipes/load.js';
import { temporaryRecipeFolder } from './recipe-folder.js';
import { synthesizeRecipe, type DependencyInputs, type SynthesizedRecipe } from './synthesize.js';

export { hasDependencyInputs } from './inputs.js';
export { type DependencyInputs, type SynthesizedRecipe } from './synthesize.js';
export { writeRecipeFolder } from './recipe-folder.js';
export { synthesizeRecipe };

/** The default for `resolveMaxAgeHours`: unpinned dependencies are resolved again after a day. */
export const DEFAULT_RESOLVE_MAX_AGE_HOURS = 24;

/** A recipe folder made from dependency files for one build; `remove` deletes it afterwards. */
export interface DependencyRecipe {
  loaded: LoadedRecipe;
  synth: SynthesizedRecipe;
  /** The spec that finds exactly this folder first: `name@version`. */
  spec: string;
  remove: () => Promise<void>;
}

/**
 * Reads the dependency inputs, says which files were used (an `info` event), and writes the
 * recipe into a private temporary folder the build treats like any recipe folder.
 */
export async function prepareDependencyRecipe(
  inputs: DependencyInputs,
  job: { cwd: string; sink: EventSink },
): Promise<DependencyRecipe> {
  const synth = await synthesizeRecipe(inputs, job.cwd);
  job.sink({ type: 'info', message: `dependencies from ${synth.from}` });
  const { loaded, remove } = await temporaryRecipeFolder(synth);
  return { loaded, synth, spec: `${loaded.recipe.name}@${loaded.recipe.version}`, remove };
}

/**
 * How old a cached build of these dependencies may be: a hash-pinned closure never goes stale;
 * unpinned ones are resolved again after `maxAgeHours`, or now with `refresh`.
 */
export function resolveMaxAgeMs(
  synth: SynthesizedRecipe,
  maxAgeHours: number,
  refresh: boolean,
): number | undefined {
  if (synth.pinned) return undefined;
  return refresh ? 0 : maxAgeHours * 3_600_000;
}
