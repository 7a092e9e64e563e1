import type { Architecture } from '../../core/runtimes/catalog.js';
import type { PickerBase, PickerRecipe } from '../picker-data.js';

/** What the picker builds: the recipe plus the choices of the Choose view. */
export interface BuildChoice {
  runtime: string;
  arch: Architecture;
  base: string;
  test: boolean;
}

export interface ChoiceDefaults {
  runtime?: string;
  arch?: Architecture;
  base: string;
}

/**
 * The choices preselected for a recipe: --runtime/--arch when the recipe supports them, else
 * its first runtime and x86_64 (as the core's own defaults); the base from --base,
 * $LAYERFORGE_BASE or the config, when it exists.
 */
export function initialChoice(
  recipe: PickerRecipe,
  bases: PickerBase[],
  defaults: ChoiceDefaults,
): BuildChoice {
  const runtime =
    defaults.runtime && recipe.runtimes.includes(defaults.runtime)
      ? defaults.runtime
      : (recipe.runtimes[0] ?? '');
  const arch =
    defaults.arch && recipe.architectures.includes(defaults.arch)
      ? defaults.arch
      : recipe.architectures.includes('x86_64')
        ? 'x86_64'
        : (recipe.architectures[0] ?? 'x86_64');
  const base = bases.some((b) => b.name === defaults.base)
    ? defaults.base
    : (bases[0]?.name ?? defaults.base);
  return { runtime, arch, base, test: false };
}

/** Why this combination cannot build, before the core says so after a round trip; undefined when it can. */
export function choiceProblem(choice: BuildChoice, bases: PickerBase[]): string | undefined {
  const base = bases.find((b) => b.name === choice.base);
  if (!base) return `unknown base image "${choice.base}"`;
  if (!base.architectures.includes(choice.arch)) return `base ${base.name} has no ${choice.arch} images`;
  if (base.runtimes && !base.runtimes.includes(choice.runtime)) {
    return `base ${base.name} cannot stand in for ${choice.runtime}: it serves ${base.runtimes.join(', ')}`;
  }
  return undefined;
}
