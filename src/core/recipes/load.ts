import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { closeRuntimeIds, runtimeIds } from '../runtimes/catalog.js';
import {
  formatIssue,
  parseYamlWithPositions,
  positionZodIssues,
  type ParsedYaml,
  type PositionedIssue,
} from '../yaml-positions.js';
import { recipeSchema, type Recipe } from './schema.js';

/** A validated recipe and the folder its scripts live in. */
export interface LoadedRecipe {
  recipe: Recipe;
  /** The recipe folder: mounted read-only at /recipe during the build. */
  dir: string;
  file: string;
}

/** A recipe (or config) file with one or more problems; exit 2, nothing started or written. */
export class InvalidFileError extends UserError {
  readonly issues: PositionedIssue[];
  constructor(issues: PositionedIssue[]) {
    const [first, ...rest] = issues;
    super(first ? formatIssue(first) : 'invalid file', {
      hint: first?.hint ?? 'see the JSON Schema in schema/recipe.schema.json',
      details: rest.map((i) => formatIssue(i) + (i.hint ? ` (${i.hint})` : '')),
    });
    this.name = 'InvalidFileError';
    this.issues = issues;
  }
}

/** The keys an object schema allows at `path`, for "did you mean" hints on unknown fields. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let node = s as { def?: { type?: string; innerType?: unknown; in?: unknown; element?: unknown; options?: unknown[] } };
    for (let i = 0; i < 10 && node?.def; i++) {
      const def = node.def;
      if (def.innerType) node = def.innerType as typeof node;
      else if (def.type === 'pipe' && def.in) node = def.in as typeof node;
      else break;
    }
    return node;
  };
  for (const key of path) {
    const node = unwrap(current) as { def?: { type?: string; element?: unknown; options?: unknown[] }; shape?: Record<string, unknown> };
    if (typeof key === 'number' && node.def?.type === 'array') current = node.def.element;
    else if (node.shape && typeof key === 'string') current = node.shape[key];
    else if (node.def?.type === 'union') current = node.def.options?.find((o) => (unwrap(o) as { shape?: unknown }).shape);
    else return [];
  }
  let node = unwrap(current) as { def?: { type?: string; options?: unknown[] }; shape?: Record<string, unknown> };
  if (!node.shape && node.def?.type === 'union') {
    node = unwrap(node.def.options?.find((o) => (unwrap(o) as { shape?: unknown }).shape)) as typeof node;
  }
  return node.shape ? Object.keys(node.shape) : [];
}

/** Parses and validates a YAML file against a schema, reporting every issue with its position. */
export async function parseYamlFile<T extends z.ZodType>(
  file: string,
  schema: T,
  displayName = file,
): Promise<{ value: z.infer<T>; parsed: ParsedYaml }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read ${displayName}`, { cause, hint: 'check the path and its permissions' });
  }
  const parsed = parseYamlWithPositions(displayName, text);
  if (parsed.syntaxIssues.length > 0) throw new InvalidFileError(parsed.syntaxIssues);
  const result = schema.safeParse(parsed.document.toJS());
  if (!result.success) {
    throw new InvalidFileError(positionZodIssues(displayName, parsed, result.error.issues, (p) => keysAt(schema, p)));
  }
  return { value: result.data, parsed };
}

/** Checks what the schema cannot: runtime ids against the catalog, and that named scripts exist. */
function semanticIssues(recipe: Recipe, dir: string, file: string, parsed: ParsedYaml): PositionedIssue[] {
  const issues: PositionedIssue[] = [];
  const position = (path: (string | number)[]) => {
    const node = parsed.document.getIn(path, true) as { range?: [number, number] } | undefined;
    const pos = parsed.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const known = new Set(runtimeIds());
  recipe.runtimes.forEach((runtime, i) => {
    if (known.has(runtime)) return;
    issues.push({
      file,
      ...position(['runtimes', i]),
      path: `runtimes[${i}]`,
      message: `unknown Lambda runtime "${runtime}"`,
      hint: `did you mean ${closeRuntimeIds(runtime).join(', ')}?`,
    });
  });
  const script = recipe.install.script;
  const scripts: [string[], string][] =
    typeof script === 'string'
      ? [[['install', 'script'], script]]
      : Object.entries(script ?? {}).flatMap(([os, s]) => (s ? [[['install', 'script', os], s] as [string[], string]] : []));
  for (const [path, name] of scripts) {
    if (!existsSync(join(dir, name))) {
      issues.push({
        file,
        ...position(path),
        path: path.join('.'),
        message: `script "${name}" does not exist in ${dir}`,
        hint: 'scripts are paths relative to the recipe folder',
      });
    }
  }
  if (recipe.install.sources && !recipe.install.script) {
    issues.push({
      file,
      ...position(['install', 'sources']),
      path: 'install.sources',
      message: 'sources need a build script to use them',
      hint: 'add install.script: build.sh',
    });
  }
  return issues;
}

/** Loads `<dir>/recipe.yaml`, or throws InvalidFileError listing every problem with file:line:col. */
export async function loadRecipe(dir: string, cwd = process.cwd()): Promise<LoadedRecipe> {
  const file = join(dir, 'recipe.yaml');
  const displayName = relative(cwd, file) || file;
  const { value, parsed } = await parseYamlFile(file, recipeSchema, displayName.startsWith('..') ? file : displayName);
  const issues = semanticIssues(value, dirname(file), displayName, parsed);
  if (issues.length > 0) throw new InvalidFileError(issues);
  return { recipe: value, dir: dirname(file), file };
}
