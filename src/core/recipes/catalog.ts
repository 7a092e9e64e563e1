import { existsSync, readdir, type Dirent } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { callbackCall } from '../fs/callback-call.js';
import { readUntrustedTextFile } from '../fs/read-untrusted-file.js';
import { bundledRecipesDir } from '../paths.js';
import { settledInOrder } from '../run-together.js';
import { closeMatches } from '../yaml/close-matches.js';
import { precompiledValue } from '../yaml/precompiled.js';
import { RECIPE_FILE, loadRecipe, type LoadRecipeOptions, type LoadedRecipe } from './load.js';
import type { Recipe } from './schema.js';
import { semver } from './semver-on-demand.js';

/** A recipe folder found on disk, read loosely (before validation) for its name and version. */
export interface RecipeFolder {
  dir: string;
  /** The `name:` in recipe.yaml, or the folder name when the file does not say. */
  name: string;
  /** The `version:` when it is a valid semver version. */
  version: string | undefined;
}

const LOOSE_NAME = /^[\w.@+-]{1,100}$/;

/** Reads name and version without validating, so one broken recipe does not hide the others. */
async function readFolder(dir: string): Promise<RecipeFolder> {
  const fields: Record<string, unknown> = {};
  // The same guarded read as validation: a FIFO or a link to /dev/zero cannot hang a scan.
  const text = await readUntrustedTextFile(join(dir, RECIPE_FILE)).catch(() => undefined);
  // Absurd nesting would cost seconds to parse; validation reports it with its position.
  // A bundled recipe the bundle validated already: its name and version without parsing.
  const validated = text === undefined ? undefined : precompiledValue('recipe', text);
  if (validated) {
    const { name, version } = validated.value as Pick<Recipe, 'name' | 'version'>;
    Object.assign(fields, { name, version });
  } else if (
    text !== undefined &&
    (await import('../yaml/safety.js')).nestingIssue(RECIPE_FILE, text) === undefined
  ) {
    // The YAML parser is loaded only here: a bundled recipe never needs it to be listed.
    const { isMap, parseDocument } = await import('../yaml/parser.js');
    const document = parseDocument(text);
    // Only the two scalars are read, never toJS(): aliases and complex keys stay unexpanded.
    // Unparsable parts leave them unset; validation reports them precisely when loaded.
    if (isMap(document.contents)) {
      fields.name = document.contents.get('name');
      fields.version = document.contents.get('version');
    }
  }
  // A precompiled recipe passed the schema, whose version check is semver.valid's.
  const version =
    typeof fields.version === 'string' && (validated !== undefined || semver.valid(fields.version))
      ? fields.version
      : undefined;
  // Only a name of plain characters is taken from the file: anything else could carry escapes
  // into hints. Validation still reports a name that is plain but not a valid recipe name.
  const name = typeof fields.name === 'string' && LOOSE_NAME.test(fields.name) ? fields.name : basename(dir);
  return { dir, name, version };
}

/**
 * Recipe folders in search order: the user's folders first (so a user's recipe shadows a
 * bundled one of the same name and version), then the bundled ones. A root that holds
 * recipe.yaml itself counts as one recipe, so `--recipes ./my-recipe` works.
 */
export async function findRecipeFolders(userDirs: string[]): Promise<RecipeFolder[]> {
  const roots = [...new Set([...userDirs.map((d) => resolve(d)), bundledRecipesDir])];
  const found: RecipeFolder[] = [];
  for (const root of roots) {
    if (!existsSync(root)) {
      if (root === bundledRecipesDir) continue;
      throw new UserError(`recipe folder ${root} does not exist`, {
        hint: 'check --recipes, $LAYERFORGE_RECIPES and recipeDirs in layerforge.config.yaml',
      });
    }
    const dirs = existsSync(join(root, RECIPE_FILE))
      ? [root]
      : (await callbackCall<Dirent[]>((done) => readdir(root, { withFileTypes: true }, done)))
          // Dot-folders are init's half-written staging folders (or editors'); never recipes.
          .filter(
            (e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(join(root, e.name, RECIPE_FILE)),
          )
          .map((e) => join(root, e.name))
          .sort();
    // Read side by side: a cache hit and `list` wait on every folder's file, one after another
    // otherwise.
    found.push(...(await settledInOrder(dirs.map(readFolder))));
  }
  return found;
}

/** Splits `pandas@^2` into name and semver range; no `@` means the newest version. */
export function parseRecipeSpec(spec: string): { name: string; range: string | undefined } {
  const at = spec.indexOf('@');
  if (at <= 0) return { name: spec, range: undefined };
  const name = spec.slice(0, at);
  const range = spec.slice(at + 1);
  if (range.trim() === '' || semver.validRange(range) === null) {
    throw new UserError(`"${range}" in "${spec}" is not a semver range`, {
      hint: `write e.g. ${name}@2, ${name}@^2.1 or ${name}@2.1.3`,
    });
  }
  return { name, range };
}

/** The highest version satisfying `range` (stable releases first when no range is given). */
function pickVersion(folders: RecipeFolder[], range: string | undefined): RecipeFolder | undefined {
  // Without a range the one version is chosen whatever it is: no need to load semver for that.
  if (range === undefined && folders.length === 1 && folders[0]?.version !== undefined) return folders[0];
  // Array.prototype.sort is stable: between equal versions the earlier folder (the user's) wins.
  const sorted = folders
    .filter((f): f is RecipeFolder & { version: string } => f.version !== undefined)
    .sort((a, b) => semver.rcompare(a.version, b.version));
  if (range !== undefined) return sorted.find((f) => semver.satisfies(f.version, range));
  return sorted.find((f) => semver.prerelease(f.version) === null) ?? sorted[0];
}

/**
 * Finds the recipe `spec` names (`name` or `name@range`) among the user's folders and the
 * bundled ones, and validates it fully. A folder of that name whose version cannot be read is
 * reported (with its position) rather than silently skipped in favour of another.
 */
export async function resolveRecipe(
  spec: string,
  userDirs: string[],
  cwd?: string,
  options: LoadRecipeOptions = {},
): Promise<LoadedRecipe> {
  const { name, range } = parseRecipeSpec(spec);
  const folders = await findRecipeFolders(userDirs);
  const named = folders.filter((f) => f.name === name);
  if (named.length === 0) {
    const names = [...new Set(folders.map((f) => f.name))].sort();
    const near = closeMatches(name, names);
    throw new UserError(`no recipe named "${name}"`, {
      hint:
        (near.length > 0
          ? `did you mean ${near.join(', ')}? `
          : names.length > 0
            ? `available: ${names.join(', ')}; `
            : '') + `scaffold a new one with \`layerforge init ${name}\``,
    });
  }
  const broken = named.find((f) => f.version === undefined);
  if (broken) return loadRecipe(broken.dir, cwd, options);
  const chosen = pickVersion(named, range);
  if (!chosen) {
    const versions = [...new Set(named.map((f) => f.version))].sort((a, b) =>
      semver.compare(a ?? '0.0.0', b ?? '0.0.0'),
    );
    throw new UserError(`no version of "${name}" satisfies ${range}`, {
      hint: `available versions: ${versions.join(', ')} (e.g. ${name}@${versions[versions.length - 1]})`,
    });
  }
  return loadRecipe(chosen.dir, cwd, options);
}

export interface RecipeListing {
  /** Valid recipes, one per name and version, in search order. */
  recipes: LoadedRecipe[];
  /** Recipes that failed validation, with their positioned error. */
  invalid: { dir: string; error: UserError }[];
  /** Valid recipes hidden by an earlier folder's recipe of the same name and version. */
  shadowed: { dir: string; by: string }[];
}

/** Every recipe, validated; an invalid one is reported beside the others instead of hiding them. */
export async function listRecipes(
  userDirs: string[],
  cwd?: string,
  options: LoadRecipeOptions = {},
): Promise<RecipeListing> {
  const listing: RecipeListing = { recipes: [], invalid: [], shadowed: [] };
  const seen = new Map<string, string>();
  for (const folder of await findRecipeFolders(userDirs)) {
    let loaded: LoadedRecipe;
    try {
      loaded = await loadRecipe(folder.dir, cwd, options);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      listing.invalid.push({ dir: folder.dir, error });
      continue;
    }
    const key = `${loaded.recipe.name}@${loaded.recipe.version}`;
    const by = seen.get(key);
    if (by !== undefined) {
      listing.shadowed.push({ dir: folder.dir, by });
      continue;
    }
    seen.set(key, folder.dir);
    listing.recipes.push(loaded);
  }
  return listing;
}
