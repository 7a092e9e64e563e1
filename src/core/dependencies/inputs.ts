import type { DependencyInputs } from './synthesize.js';

// Apart from synthesize.ts, which loads the lock-file and TOML parsers: `build` asks this of its
// options on every run, including a cache hit of a recipe.

/** Whether the options give dependency inputs at all (else a recipe name is expected). */
export function hasDependencyInputs(inputs: DependencyInputs): boolean {
  return (
    (inputs.requirementFiles?.length ?? 0) > 0 ||
    (inputs.pip?.length ?? 0) > 0 ||
    (inputs.npm?.length ?? 0) > 0 ||
    inputs.project !== undefined
  );
}
