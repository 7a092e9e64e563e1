import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import { bundledRecipesDir } from '../paths.js';
import { loadRecipe, type LoadedRecipe } from './load.js';

/** A recipe folder found on disk, before validation. */
export interface RecipeFolder {
  dir: string;
  /** The `name:` in recipe.yaml, or the folder name when the file cannot be read. */
  name: string;
  version: string | undefined;
}

/** Recipe folders in search order: user folders first, so a user's recipe shadows a bundled one. */
export async function findRecipeFolders(userDirs: string[]): Promise<RecipeFolder[]> {
  const found: RecipeFolder[] = [];
  for (const root of [...userDirs, bundledRecipesDir]) {
    if (!existsSync(root)) {
      if (root !== bundledRecipesDir) {
        throw new UserError(`recipe folder ${root} does not exist`, { hint: 'check --recipes and layerforge.config.yaml' });
      }
      continue;
    }
    // A folder that is itself a recipe counts too, so `--recipes ./my-recipe` works.
    const candidates = existsSync(join(root, 'recipe.yaml'))
      ? [root]
      : (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(root, e.name)).sort();
    for (const dir of candidates) {
      const file = join(dir, 'recipe.yaml');
      if (!existsSync(file)) continue;
      let doc: unknown;
      try {
        doc = parse(await readFile(file, 'utf8'));
      } catch {
        doc = undefined;
      }
      const fields = (doc && typeof doc === 'object' ? doc : {}) as { name?: unknown; version?: unknown };
      found.push({
        dir,
        name: typeof fields.name === 'string' ? fields.name : (dir.split('/').pop() ?? dir),
        version: typeof fields.version === 'string' ? fields.version : undefined,
      });
    }
  }
  return found;
}

/** Splits `pandas@^2` into name and range; no range means the newest. */
export function parseRecipeSpec(spec: string): { name: string; range: string | undefined } {
  const at = spec.indexOf('@');
  if (at <= 0) return { name: spec, range: undefined };
  const range = spec.slice(at + 1);
  if (semver.validRange(range) === null) {
    throw new UserError(`"${range}" is not a semver range`, { hint: 'use e.g. pandas@2, pandas@^2.2 or pandas@2.2.3' });
  }
  return { name: spec.slice(0, at), range };
}

/**
 * Finds the recipe `spec` names (`name` or `name@range`): the highest version that satisfies
 * the range, the first folder winning between equal versions. Validates it fully.
 */
export async function resolveRecipe(spec: string, userDirs: string[], cwd?: string): Promise<LoadedRecipe> {
  const { name, range } = parseRecipeSpec(spec);
  const folders = await findRecipeFolders(userDirs);
  const named = folders.filter((f) => f.name === name);
  if (named.length === 0) {
    const names = [...new Set(folders.map((f) => f.name))].sort();
    throw new UserError(`no recipe named "${name}"`, {
      hint: names.length > 0 ? `available: ${names.join(', ')}; or scaffold one with \`layerforge init ${name}\`` : `scaffold one with \`layerforge init ${name}\``,
    });
  }
  const matching = named
    .filter((f) => f.version !== undefined && semver.valid(f.version) && (!range || semver.satisfies(f.version, range)))
    .sort((a, b) => semver.rcompare(a.version ?? '0.0.0', b.version ?? '0.0.0'));
  const chosen = matching[0] ?? (range ? undefined : named[0]);
  if (!chosen) {
    throw new UserError(`no version of "${name}" satisfies ${range}`, {
      hint: `available versions: ${named.map((f) => f.version ?? '?').join(', ')}`,
    });
  }
  return loadRecipe(chosen.dir, cwd);
}

/** Every recipe, validated; invalid ones are returned with their error rather than hiding the rest. */
export async function listRecipes(
  userDirs: string[],
  cwd?: string,
): Promise<{ recipes: LoadedRecipe[]; invalid: { dir: string; error: UserError }[] }> {
  const recipes: LoadedRecipe[] = [];
  const invalid: { dir: string; error: UserError }[] = [];
  for (const folder of await findRecipeFolders(userDirs)) {
    try {
      recipes.push(await loadRecipe(folder.dir, cwd));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      invalid.push({ dir: folder.dir, error });
    }
  }
  return { recipes, invalid };
}
