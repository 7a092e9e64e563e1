import { recipeSchema, type Recipe, type RecipeInput } from '../../src/core/recipes/schema.js';

/** A valid Python recipe for tests of what a build does with one: `extra` replaces its fields. */
export function pythonRecipe(extra: Partial<RecipeInput> = {}): Recipe {
  return recipeSchema.parse({
    name: 'fixture',
    version: '1.0.0',
    summary: 'a fixture',
    license: 'MIT',
    homepage: 'https://example.org',
    runtimes: ['python3.11'],
    architectures: ['x86_64'],
    install: { python: { requirements: ['msgpack==1.1.0'] } },
    ...extra,
  });
}
