import { realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { displayPath } from '../fs/display-path.js';
import { getRuntime } from '../runtimes/catalog.js';
import type { FieldIssue } from '../yaml/issue.js';
import { recipeHint } from './hints.js';
import type { Recipe } from './schema.js';
import { isLocalUrl } from './url-checks.js';
import { InvalidFileError } from '../yaml/invalid-file-error.js';
import { parseYamlFile } from '../yaml/read-yaml-file.js';

/** A validated recipe and the folder its scripts live in. */
export interface LoadedRecipe {
  recipe: Recipe;
  /** The recipe folder: mounted read-only at /recipe during the build. */
  dir: string;
  /** Absolute path of recipe.yaml. */
  file: string;
}

export const RECIPE_FILE = 'recipe.yaml';

/**
 * Why a file the recipe names cannot be used, or undefined when it can: it must exist, be a
 * regular file, and stay inside the recipe folder once links are resolved, so a build never
 * hashes or copies a host file such as /etc/shadow.
 */
function recipeFileProblem(dir: string, name: string): 'missing' | 'outside' | 'not-file' | undefined {
  let real: string;
  let realDir: string;
  try {
    realDir = realpathSync(dir);
    real = realpathSync(join(dir, name));
  } catch {
    return 'missing';
  }
  if (real !== realDir && !real.startsWith(realDir + sep)) return 'outside';
  try {
    return statSync(real).isFile() ? undefined : 'not-file';
  } catch {
    return 'missing';
  }
}

/** The message and hint for a file the recipe names that cannot be used. */
function fileIssue(
  problem: 'missing' | 'outside' | 'not-file',
  what: string,
  name: string,
  dir: string,
  missingHint: string,
): [string, string] {
  if (problem === 'outside') {
    return [
      `${what} "${name}" is a link that leads outside the recipe folder`,
      'a recipe may only use files inside its own folder: copy the file in instead of linking it',
    ];
  }
  if (problem === 'not-file') {
    return [`${what} "${name}" is not a regular file`, `replace ${join(dir, name)} with a regular file`];
  }
  return [`${what} "${name}" does not exist in the recipe folder`, missingHint];
}

/** What the caller allows beyond a recipe anyone could hand over. */
export interface LoadRecipeOptions {
  /** Sources on loopback (a local mirror or a test server): `--allow-local-sources`. */
  allowLocalSources?: boolean;
}

/** Checks what the schema cannot: files the recipe names exist, and parts fit together. */
function semanticIssues(recipe: Recipe, dir: string, options: LoadRecipeOptions): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: (string | number)[], message: string, hint: string) => {
    issues.push({ path, message, hint });
  };

  const { script, sources, python } = recipe.install;
  const scripts: [(string | number)[], string][] =
    typeof script === 'string'
      ? [[['install', 'script'], script]]
      : Object.entries(script ?? {}).flatMap(([os, s]) =>
          s ? [[['install', 'script', os], s] as [string[], string]] : [],
        );
  for (const [path, name] of scripts) {
    const problem = recipeFileProblem(dir, name);
    if (problem)
      add(path, ...fileIssue(problem, 'script', name, dir, `create ${join(dir, name)}, or fix the name`));
  }
  sources?.forEach((source, i) => {
    const problem = source.path === undefined ? undefined : recipeFileProblem(dir, source.path);
    if (problem && source.path !== undefined) {
      add(
        ['install', 'sources', i, 'path'],
        ...fileIssue(
          problem,
          'source file',
          source.path,
          dir,
          'put the tarball next to recipe.yaml, or give a url',
        ),
      );
    }
  });
  sources?.forEach((source, i) => {
    if (source.url !== undefined && !options.allowLocalSources && isLocalUrl(source.url)) {
      add(
        ['install', 'sources', i, 'url'],
        'the URL points at this machine (loopback)',
        'pass --allow-local-sources to download from a local mirror, or use an https URL',
      );
    }
  });
  if (sources && script === undefined) {
    add(
      ['install', 'sources'],
      'sources need a build script to use them',
      'add `script: build.sh` under install, and the script to the folder',
    );
  }
  if (python && !recipe.runtimes.some((id) => getRuntime(id).family === 'python')) {
    add(
      ['install', 'python'],
      'python requirements need a python runtime',
      'add one to runtimes, e.g. python3.12',
    );
  }
  return issues;
}

/**
 * Loads `<dir>/recipe.yaml`, or throws InvalidFileError listing every problem with
 * `file:line:col`, the field path, what was expected and a hint. Reads only; writes nothing.
 */
export async function loadRecipe(
  dir: string,
  cwd?: string,
  options: LoadRecipeOptions = {},
): Promise<LoadedRecipe> {
  const file = join(dir, RECIPE_FILE);
  // The schema loads only when the file is not in the bundle's precompiled table: building it is
  // most of the time zod takes at start.
  const schema = async () => (await import('./schema.js')).recipeSchema;
  const { value, positionIssues } = await parseYamlFile(file, schema, displayPath(file, cwd), {
    hint: recipeHint,
    emptyHint: 'start from a scaffold: `layerforge init <name>`',
    schemaFile: 'schema/recipe.schema.json',
    what: 'recipe',
    precompiled: 'recipe',
  });
  const found = semanticIssues(value, dirname(file), options);
  if (found.length > 0) {
    const issues = await positionIssues(found);
    throw new InvalidFileError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return { recipe: value, dir: dirname(file), file };
}
