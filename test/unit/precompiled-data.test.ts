import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBaseImages } from '../../src/core/base-images/definition.js';
import { LAMBDA_IMAGES_FILE, lambdaImages } from '../../src/core/base-images/lambda-images.js';
import { packageRoot } from '../../src/core/paths.js';
import { precompileBundledData } from '../../src/core/precompile-data.js';
import { findRecipeFolders } from '../../src/core/recipes/catalog.js';
import { PRECOMPILED_FILE, precompiledKey } from '../../src/core/yaml/precompiled.js';
import { requireBuiltCli, runBuiltCli } from '../support/built-cli.js';
import { runLayerforge } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// The bundle ships the bundled recipes and runtimes.yaml already validated, keyed by content
// (src/core/yaml/precompiled.ts). These tests hold the table to what parsing gives.
describe('the data the bundle ships validated', () => {
  it('holds every bundled recipe, the runtime catalog, base and official image data, and values survive JSON unchanged', async () => {
    const table = await precompileBundledData();
    const recipes = await findRecipeFolders([]);
    expect(Object.keys(table).filter((key) => key.startsWith('recipe:'))).toHaveLength(recipes.length);
    for (const { dir } of recipes) {
      const text = await readFile(join(dir, 'recipe.yaml'), 'utf8');
      expect(table).toHaveProperty([precompiledKey('recipe', text)]);
    }
    expect(Object.keys(table).filter((key) => key.startsWith('runtimes:'))).toHaveLength(1);
    // What a build resolves before it knows it is a cache hit: the base, and the official images' facts.
    const bases = await listBaseImages();
    expect(Object.keys(table).filter((key) => key.startsWith('base:'))).toHaveLength(bases.length);
    for (const { dir, definition } of bases) {
      const text = await readFile(join(dir, 'base.yaml'), 'utf8');
      expect(table[precompiledKey('base', text)]).toStrictEqual(definition);
    }
    const lambdaImagesText = await readFile(LAMBDA_IMAGES_FILE, 'utf8');
    expect(table[precompiledKey('lambda-images', lambdaImagesText)]).toStrictEqual(lambdaImages());
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

  it('positions an issue found after the schema in a file the table holds, as parsing does', async () => {
    // A bundled recipe's exact text (a table hit) in a folder without the script it names: the
    // issue needs the YAML parser, which a hit loads only then, and keeps its file:line:col.
    const dir = await tempDir();
    await mkdir(join(dir, 'ffmpeg'));
    await copyFile(join(packageRoot, 'recipes', 'ffmpeg', 'recipe.yaml'), join(dir, 'ffmpeg', 'recipe.yaml'));
    const args = ['list', '--recipes', dir];
    const built = await runBuiltCli(args, { cwd: dir, env: { PATH: process.env.PATH } });
    const parsed = await runLayerforge(args, { cwd: dir });
    expect(built.code).toBe(2);
    expect(built.stderr).toMatch(/recipe\.yaml:25:\d+: install\.script: script "build\.sh" does not exist/);
    expect(parsed.code).toBe(2);
    // The launcher warns about old Node versions on stderr: compare from the first error on.
    expect(built.stderr.slice(built.stderr.indexOf('error'))).toBe(
      parsed.stderr.slice(parsed.stderr.indexOf('error')),
    );
  });
});
