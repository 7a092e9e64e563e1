import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../paths.js';
import type { Recipe } from '../recipes/schema.js';
import type { LambdaRuntime } from '../runtimes/catalog.js';
import { LOADED_BY_ANOTHER } from './import-hints.js';

// Smoke tests derived from the layer's metadata (`checkImports`): what the wheels say they
// provide is imported, what package.json depends on is required, under Lambda's conditions.

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Importable and public: private modules (_cffi_backend, __editable__) are imported by their packages. */
const importable = (name: string) => IDENTIFIER.test(name) && !name.startsWith('_');

/** Top-level module names from a RECORD file's paths, for wheels without top_level.txt. */
export function topLevelFromRecord(record: string): string[] {
  const names = new Set<string>();
  for (const line of record.split('\n')) {
    const path = line.split(',')[0]?.trim() ?? '';
    if (path === '' || path.startsWith('..') || path.startsWith('/')) continue;
    const first = path.split('/')[0] ?? '';
    if (/\.(dist-info|data)$/.test(first) || first === '__pycache__' || first === 'bin') continue;
    if (path.includes('/')) names.add(first);
    else if (first.endsWith('.py')) names.add(first.slice(0, -3));
    // An extension module at the top: foo.cpython-311-x86_64-linux-gnu.so, foo.abi3.so.
    else if (/\.so$/.test(first)) names.add(first.split('.')[0] ?? '');
  }
  return [...names];
}

/** The top-level modules the wheels in `<opt>/python` declare, importable and not skipped, sorted. */
export async function pythonImportNames(optDir: string, skip: string[]): Promise<string[]> {
  const site = join(optDir, 'python');
  const entries = await readdir(site).catch(() => [] as string[]);
  const names = new Set<string>();
  for (const info of entries.filter((e) => e.endsWith('.dist-info'))) {
    const topLevel = await readFile(join(site, info, 'top_level.txt'), 'utf8').catch(() => undefined);
    const listed =
      topLevel !== undefined
        ? topLevel.split('\n').map((l) => l.trim().split('/')[0] ?? '')
        : topLevelFromRecord(await readFile(join(site, info, 'RECORD'), 'utf8').catch(() => ''));
    for (const name of listed) names.add(name);
  }
  return [...names].filter((n) => importable(n) && !skip.includes(n) && !(n in LOADED_BY_ANOTHER)).sort();
}

/** The direct dependencies `<opt>/nodejs/package.json` names, not skipped, sorted. */
export async function nodeRequireNames(optDir: string, skip: string[]): Promise<string[]> {
  const text = await readFile(join(optDir, 'nodejs', 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  let parsed: { dependencies?: Record<string, unknown> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return [];
  }
  const valid = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
  return Object.keys(parsed.dependencies ?? {})
    .filter((n) => valid.test(n) && !skip.includes(n))
    .sort();
}

// The importers are data, run with `-c`/`-e` in the runtime image (no file is copied in).
const containerScript = (name: string) => readFileSync(join(dataDir, 'container', name), 'utf8');

/** The container command that imports `names` for the runtime's language, or undefined for none. */
export function importCommand(runtime: LambdaRuntime, names: string[]): string[] | undefined {
  if (names.length === 0) return undefined;
  if (runtime.family === 'python') return ['python3', '-c', containerScript('import-check.py'), ...names];
  if (runtime.family === 'nodejs') return ['node', '-e', containerScript('import-check.js'), ...names];
  return undefined;
}

/** The names to import for this recipe's layer, extracted at `optDir`. */
export async function importNames(recipe: Recipe, runtime: LambdaRuntime, optDir: string): Promise<string[]> {
  const skip = recipe.checkImports?.skip ?? [];
  if (!recipe.checkImports) return [];
  if (runtime.family === 'python') return pythonImportNames(optDir, skip);
  if (runtime.family === 'nodejs') return nodeRequireNames(optDir, skip);
  return [];
}

/** One result line of the importer: `layerforge-import ok numpy` or `... fail name message`. */
export function parseImportLine(line: string): { name: string; ok: boolean; error: string } | undefined {
  const m = /^layerforge-import (ok|fail) (\S+) ?(.*)$/.exec(line);
  if (!m) return undefined;
  return { name: m[2] ?? '', ok: m[1] === 'ok', error: m[3] ?? '' };
}
