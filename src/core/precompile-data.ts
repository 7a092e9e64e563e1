import { readFile, readdir } from 'node:fs/promises';
import { baseImageSchema } from './base-images/definition-schema.js';
import { LAMBDA_IMAGES_FILE, parseLambdaImages } from './base-images/lambda-images.js';
import { bundledBaseImagesDir } from './paths.js';
import { findRecipeFolders } from './recipes/catalog.js';
import { RECIPE_FILE } from './recipes/load.js';
import { recipeSchema } from './recipes/schema.js';
import { parseRuntimeCatalog, RUNTIMES_FILE } from './runtimes/catalog.js';
import { precompiledKey } from './yaml/precompiled.js';
import { parseYamlFile } from './yaml/read-yaml-file.js';
import { join } from 'node:path';

/**
 * The table scripts/bundle.mjs writes beside the bundle: every bundled recipe, the runtime
 * catalog, the bundled base images' definitions and the official images' facts, validated by the same functions that read them at run time. A file that fails here
 * fails the bundle, as it would fail every user.
 */
export async function precompileBundledData(): Promise<Record<string, unknown>> {
  const table: Record<string, unknown> = {};
  for (const folder of await findRecipeFolders([])) {
    const file = join(folder.dir, RECIPE_FILE);
    const text = await readFile(file, 'utf8');
    table[precompiledKey('recipe', text)] = (await parseYamlFile(file, recipeSchema)).value;
  }
  const runtimes = await readFile(RUNTIMES_FILE, 'utf8');
  table[precompiledKey('runtimes', runtimes)] = parseRuntimeCatalog(runtimes);
  for (const entry of await readdir(bundledBaseImagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(bundledBaseImagesDir, entry.name, 'base.yaml');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined)
      table[precompiledKey('base', text)] = (await parseYamlFile(file, baseImageSchema)).value;
  }
  const lambdaImages = await readFile(LAMBDA_IMAGES_FILE, 'utf8');
  table[precompiledKey('lambda-images', lambdaImages)] = parseLambdaImages(lambdaImages);
  return table;
}
