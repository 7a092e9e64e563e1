// One malformed recipe through the real CLI (`layerforge show`), in-process: it must exit 2,
// name the exact file:line:col, field path and message, give the hint, and write nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runLayerforge, snapshotTree, writeTree, type CliRun } from '../../../cli/cli-harness.js';
import { tempDir } from '../../../support/temp-dir.js';

export interface MalformedCase {
  /** The whole recipe.yaml, as a user would have written it. */
  yaml: string;
  /** Other files in the recipe folder (scripts, tarballs). */
  files?: Record<string, string>;
  /** Runs after the files are written: links, FIFOs, raw bytes. Gets the recipe folder. */
  setup?(recipeDir: string): Promise<void>;
  /** What the user asks `show` for; `broken` by default. */
  spec?: string;
  line: number;
  column: number;
  /** Field path as printed, '' for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** Lines of a valid recipe that cases copy and break one at a time. */
export const VALID_HEAD = `name: broken
version: 1.0.0
summary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
`;

export async function expectInvalidRecipe(c: MalformedCase): Promise<CliRun> {
  const root = await tempDir('layerforge-malformed-');
  await writeTree(root, { 'recipes/broken/recipe.yaml': c.yaml });
  for (const [name, content] of Object.entries(c.files ?? {})) {
    await writeTree(root, { [`recipes/broken/${name}`]: content });
  }
  await c.setup?.(join(root, 'recipes', 'broken'));
  const before = await snapshotTree(root);
  const run = await runLayerforge(['show', c.spec ?? 'broken', '--recipes', 'recipes'], { cwd: root });

  const where = `recipes/broken/recipe.yaml:${c.line}:${c.column}: `;
  const first = `${where}${c.path ? `${c.path}: ` : ''}${c.message}`;
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: /);
  expect(run.stderr).toContain(first);
  // The first problem in the file is the one the user reads first.
  expect(run.stderr.split('\n').find((l) => l.includes('recipe.yaml:'))).toContain(first);
  if (c.hint !== undefined) expect(run.stderr).toContain(`hint: ${c.hint}`);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain('internal error');

  expect(await snapshotTree(root)).toEqual(before);
  expect(existsSync(join(root, 'dist'))).toBe(false);
  return run;
}
