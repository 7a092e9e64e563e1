import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { getRuntime } from '../runtimes/catalog.js';
import { formatPath, positionOf, type ParsedYaml, type PositionedIssue } from '../yaml-positions.js';
import { recipeHint } from './hints.js';
import { recipeSchema, type Recipe } from './schema.js';
import { InvalidFileError, parseYamlFile } from './yaml-file.js';

// Base images and config read their YAML through the same positioned parser.
export { InvalidFileError, objectKeysAt, parseYamlFile } from './yaml-file.js';

/** A validated recipe and the folder its scripts live in. */
export interface LoadedRecipe {
  recipe: Recipe;
  /** The recipe folder: mounted read-only at /recipe during the build. */
  dir: string;
  /** Absolute path of recipe.yaml. */
  file: string;
}

export const RECIPE_FILE = 'recipe.yaml';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Checks what the schema cannot: files the recipe names exist, and parts fit together. */
function semanticIssues(recipe: Recipe, dir: string, parsed: ParsedYaml): PositionedIssue[] {
  const issues: PositionedIssue[] = [];
  const add = (path: (string | number)[], message: string, hint: string) =>
    issues.push({ file: parsed.file, ...positionOf(parsed, path), path: formatPath(path), message, hint });

  const { script, sources, python } = recipe.install;
  const scripts: [(string | number)[], string][] =
    typeof script === 'string'
      ? [[['install', 'script'], script]]
      : Object.entries(script ?? {}).flatMap(([os, s]) =>
          s ? [[['install', 'script', os], s] as [string[], string]] : [],
        );
  for (const [path, name] of scripts) {
    if (!isFile(join(dir, name))) {
      add(
        path,
        `script "${name}" does not exist in the recipe folder`,
        `create ${join(dir, name)}, or fix the name`,
      );
    }
  }
  sources?.forEach((source, i) => {
    if (source.path !== undefined && !isFile(join(dir, source.path))) {
      add(
        ['install', 'sources', i, 'path'],
        `source file "${source.path}" does not exist in the recipe folder`,
        'put the tarball next to recipe.yaml, or give a url',
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
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** How a recipe file is named in messages: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/**
 * Loads `<dir>/recipe.yaml`, or throws InvalidFileError listing every problem with
 * `file:line:col`, the field path, what was expected and a hint. Reads only; writes nothing.
 */
export async function loadRecipe(dir: string, cwd = process.cwd()): Promise<LoadedRecipe> {
  const file = join(dir, RECIPE_FILE);
  const { value, parsed } = await parseYamlFile(file, recipeSchema, displayPath(file, cwd), {
    hint: recipeHint,
    emptyHint: 'start from a scaffold: `layerforge init <name>`',
    schemaFile: 'schema/recipe.schema.json',
  });
  const issues = semanticIssues(value, dirname(file), parsed);
  if (issues.length > 0) throw new InvalidFileError(issues);
  return { recipe: value, dir: dirname(file), file };
}
