// The check the flagship and native-tool recipe tests share: `layerforge test <recipe>` on the
// debian12 stand-in, in-process and on the real engine, then what every bundled recipe promises.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import { bundledRecipesDir } from '../../src/core/paths.js';
import { loadRecipe } from '../../src/core/recipes/load.js';
import { runLayerforgeInheritingEnv as runLayerforge } from './run-cli.js';

const MB = 1024 * 1024;

export interface BundledRecipeCheck {
  name: string;
  /** The artifact's name (no extension) for the recipe's first runtime, x86_64. */
  artifact: string;
  /** Paths the zip must hold, and must not, read back with Info-ZIP's zipinfo. */
  contains: RegExp[];
  lacks: RegExp[];
}

/**
 * Builds and smoke-tests the recipe into `<work>/<name>`, and asserts: every smoke test the
 * recipe declares (at least three) ran in order and passed, the layer is within its size budget,
 * the audit found no error, and the zip holds what `check` lists. Returns the zip's path.
 */
export async function testBundledRecipe(check: BundledRecipeCheck, work: string): Promise<string> {
  const { recipe } = await loadRecipe(join(bundledRecipesDir, check.name));
  const out = join(work, check.name);
  const run = await runLayerforge(['test', check.name, '--base', 'debian12', '--json', '--out', out], {
    cwd: work,
  });
  const results = run.events.filter(
    (e): e is Extract<LayerforgeEvent, { type: 'test.result' }> => e.type === 'test.result',
  );
  const failed = results.filter((r) => !r.ok).map((r) => `${r.command}\n${r.output}`);
  expect(failed, run.stderr).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  expect(recipe.tests.length).toBeGreaterThanOrEqual(3);
  expect(results.map((r) => r.command)).toEqual(recipe.tests.map((t) => t.run));

  const manifest = JSON.parse(
    await readFile(join(out, `${check.artifact}.manifest.json`), 'utf8'),
  ) as LayerManifest;
  const budget = recipe.budget?.unzippedMB;
  expect(budget).toBeDefined();
  expect(manifest.zip.unzippedBytes).toBeGreaterThan(0);
  expect(manifest.zip.unzippedBytes).toBeLessThanOrEqual((budget ?? 0) * MB);
  expect(manifest.zip.zippedBytes).toBeLessThan(manifest.zip.unzippedBytes);
  expect(manifest.zip.fileCount).toBeGreaterThan(0);
  expect(manifest.audit).toMatchObject({ errors: 0 });

  const zip = join(out, `${check.artifact}.zip`);
  const listing = execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8', maxBuffer: 64 * MB });
  for (const path of check.contains) expect(listing).toMatch(path);
  for (const path of check.lacks) expect(listing).not.toMatch(path);
  return zip;
}
