import type { ResolvedBase } from '../../../src/core/base-images/resolve.js';
import type { LoadedRecipe } from '../../../src/core/recipes/load.js';
import { recipeSchema, type Recipe, type RecipeInput } from '../../../src/core/recipes/schema.js';
import type { Architecture } from '../../../src/core/runtimes/catalog.js';

/** A recipe validated by the real schema (so defaults apply), with `fields` over a minimal one. */
export function makeRecipe(fields: Partial<RecipeInput> = {}): Recipe {
  return recipeSchema.parse({
    name: 'demo',
    version: '1.2.3',
    summary: 'a recipe for unit tests',
    license: 'MIT',
    homepage: 'https://example.com/demo',
    runtimes: ['provided.al2023'],
    architectures: ['x86_64', 'arm64'],
    install: { script: 'build.sh' },
    ...fields,
  });
}

export function loadedRecipe(recipe: Recipe, dir = '/nonexistent/recipe'): LoadedRecipe {
  return { recipe, dir, file: `${dir}/recipe.yaml` };
}

const OSES = {
  al2: { id: 'al2', name: 'Amazon Linux 2', glibc: '2.26' },
  al2023: { id: 'al2023', name: 'Amazon Linux 2023', glibc: '2.34' },
  debian12: { id: 'debian12', name: 'Debian 12 (bookworm)', glibc: '2.36' },
} as const;

/** A base image pair written by hand: no definition file is read. */
export function handBase(os: keyof typeof OSES, arch: Architecture = 'x86_64'): ResolvedBase {
  const packageManager = os === 'debian12' ? 'apt' : os === 'al2023' ? 'dnf' : 'yum';
  return {
    name: `hand-${os}`,
    standIn: os === 'debian12',
    os: { ...OSES[os] },
    packageManager,
    buildImage: `test/${os}-build:${arch}`,
    runtimeImage: `test/${os}-runtime:${arch}`,
    platform: arch === 'x86_64' ? 'linux/amd64' : 'linux/arm64',
    arch,
    loaded: {
      dir: '/nonexistent/base',
      definition: {
        name: `hand-${os}`,
        summary: 'written by hand for a unit test',
        standIn: os === 'debian12',
        architectures: [arch],
        source: { kind: 'registry' },
      },
    },
  };
}
