import { readFileSync } from 'node:fs';

/**
 * The bundled data files (recipes, runtimes.yaml …), parsed and validated when the CLI is bundled
 * (scripts/bundle.mjs), keyed by what they are and their whole text. Start-up then skips the YAML
 * parser and the schema for files it ships, which was half of `layerforge list`. The text itself is
 * the key, not a digest of it: the files add under 50 KB to the table, a lookup is exact, and
 * start-up need not load node:crypto (about 10 ms of a 45 ms Node start, for `list`).
 *
 * The table sits beside the bundled code and is read from there only: code run from src/ or
 * lib/core/ (tests, a half-done build) finds none and parses every file, so a table never outlives
 * the schemas that made it. Any other text, such as a recipe the user edited, misses and is parsed.
 */
export const PRECOMPILED_FILE = 'precompiled-data.json';

/** The kinds of file the table holds; each names one schema. */
export type PrecompiledKind = 'recipe' | 'runtimes' | 'base' | 'lambda-images';

let table: Map<string, unknown> | null | undefined;

function loadTable(): Map<string, unknown> | null {
  try {
    const raw = readFileSync(new URL(`./${PRECOMPILED_FILE}`, import.meta.url), 'utf8');
    return new Map(Object.entries(JSON.parse(raw) as Record<string, unknown>));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function precompiledKey(kind: PrecompiledKind, text: string): string {
  return `${kind}:${text}`;
}

/** The validated value of `text` as the bundler found it, or undefined when it is not in the table. */
export function precompiledValue(kind: PrecompiledKind, text: string): { value: unknown } | undefined {
  table ??= loadTable();
  if (table === null) return undefined;
  const key = precompiledKey(kind, text);
  return table.has(key) ? { value: table.get(key) } : undefined;
}
