import { expandMatrix } from '../builder/matrix.js';
import { UserError } from '../errors.js';
import type { LoadedRecipe } from '../recipes/load.js';
import type { Architecture } from '../runtimes/catalog.js';

/** GitHub's hosted runners: arm64 cells build natively on arm64, never under QEMU. */
export const GITHUB_RUNNERS: Readonly<Record<Architecture, string>> = {
  x86_64: 'ubuntu-24.04',
  arm64: 'ubuntu-24.04-arm',
};

/** GitHub runs at most this many jobs from one matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

/** One job of the generated matrix: a cell of `layerforge build`, its runner and a name for its artifact. */
export interface GithubCell {
  /** Unique in the workflow and safe in an artifact name: `pandas-2.3.3-python3.12-arm64`. */
  id: string;
  /** `name@version`, exact, so the workflow builds the recipe it was generated for. */
  recipe: string;
  runtime: string;
  arch: Architecture;
  runner: string;
}

/**
 * The cells CI builds: recipes × runtimes × architectures. Unlike `build`, where no --runtime
 * means the recipe's first, CI builds every runtime and arch a recipe declares unless the lists
 * narrow them: the team ships what the recipe supports.
 */
export function githubCells(
  recipes: LoadedRecipe[],
  runtimes: string[],
  archs: Architecture[],
  runners: Readonly<Record<Architecture, string>> = GITHUB_RUNNERS,
): GithubCell[] {
  // expandMatrix keeps, per recipe, those of the lists it supports: the union of every recipe's
  // own lists gives each recipe all of its own.
  const everyRuntime = [...new Set(recipes.flatMap((r) => r.recipe.runtimes))];
  const everyArch = [...new Set(recipes.flatMap((r) => r.recipe.architectures))];
  const cells = expandMatrix(
    recipes,
    runtimes.length > 0 ? runtimes : everyRuntime,
    archs.length > 0 ? archs : everyArch,
  );
  if (cells.length > GITHUB_MATRIX_LIMIT) {
    throw new UserError(`${cells.length} cells: a GitHub matrix runs at most ${GITHUB_MATRIX_LIMIT} jobs`, {
      hint: 'narrow it with --runtime and --arch, or name fewer recipes',
    });
  }
  return cells.map((cell) => ({
    id: `${cell.recipe.replace('@', '-')}-${cell.runtime}-${cell.arch}`.replace(/[^A-Za-z0-9._-]/g, '_'),
    recipe: cell.recipe,
    runtime: cell.runtime,
    arch: cell.arch,
    runner: runners[cell.arch],
  }));
}
