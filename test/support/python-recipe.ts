import type { Recipe, RecipeInput } from '../../src/core/recipes/schema.js';
import { makeRecipe } from '../unit/builder/helpers.js';

/** A valid Python recipe for tests of what a build does with one: `extra` replaces its fields. */
export function pythonRecipe(extra: Partial<RecipeInput> = {}): Recipe {
  return makeRecipe({
    name: 'fixture',
    runtimes: ['python3.11'],
    architectures: ['x86_64'],
    install: { python: { requirements: ['msgpack==1.1.0'] } },
    ...extra,
  });
}
