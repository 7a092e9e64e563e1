import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { precompileBundledData } from '../../src/core/precompile-data.js';
import { findRecipeFolders } from '../../src/core/recipes/catalog.js';
import { PRECOMPILED_FILE, precompiledKey } from '../../src/core/yaml/precompiled.js';
import { requireBuiltCli, runBuiltCli } from '../support/built-cli.js';
import { runLayerforge } from '../support/run-cli.js';

// The bundle ships the bundled recipes and runtimes.yaml already validated, keyed by content
// (src/core/yaml/precompiled.ts). These tests hold the table to what parsing gives.
describe('the data the bundle ships validated', () => {
  it('holds every bundled recipe and the runtime catalog, and values survive JSON unchanged', async () => {
    const table = await precompileBundledData();
    const recipes = await findRecipeFolders([]);
    expect(Object.keys(table).filter((key) => key.startsWith('recipe:'))).toHaveLength(recipes.length);
    for (const { dir } of recipes) {
      const text = await readFile(join(dir, 'recipe.yaml'), 'utf8');
      expect(table).toHaveProperty([precompiledKey('recipe', text)]);
    }
    expect(Object.keys(table).filter((key) => key.startsWith('runtimes:'))).toHaveLength(1);
    // A value that JSON changes (undefined, a Date, a Map) would read back as something else.
    expect(JSON.parse(JSON.stringify(table))).toStrictEqual(table);
  });

  it('is the table the built bundle carries, so a stale bundle is caught', async () => {
    requireBuiltCli();
    const shipped: unknown = JSON.parse(
      await readFile(join(packageRoot, 'lib', 'bundle', PRECOMPILED_FILE), 'utf8'),
    );
    expect(shipped).toStrictEqual(JSON.parse(JSON.stringify(await precompileBundledData())));
  });

  it('gives the built CLI the same listing as parsing every file', async () => {
    const built = await runBuiltCli(['list', '--json'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    const parsed = await runLayerforge(['list', '--json'], { cwd: packageRoot });
    expect(built.code).toBe(0);
    expect(parsed.code).toBe(0);
    expect(JSON.parse(built.stdout)).toStrictEqual(JSON.parse(parsed.stdout));
  });
});
