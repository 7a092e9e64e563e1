import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { packageRoot } from '../../../src/core/paths.js';
import { loadRecipe } from '../../../src/core/recipes/load.js';
import { scaffoldRecipe, schemaReference } from '../../../src/core/recipes/scaffold.js';
import { tempDir } from '../../support/temp-dir.js';

const schemaFile = join(packageRoot, 'schema', 'recipe.schema.json');

describe('scaffoldRecipe', () => {
  it('writes a recipe that validates, named as asked', async () => {
    const parent = await tempDir();
    const dir = await scaffoldRecipe('geo-tools', join(parent, 'recipes'), schemaFile);
    expect(dir).toBe(join(parent, 'recipes', 'geo-tools'));
    const { recipe } = await loadRecipe(dir);
    expect(recipe).toMatchObject({
      name: 'geo-tools',
      version: '0.1.0',
      install: { python: { requirements: ['geo-tools'] } },
    });
    expect(recipe.tests[0]?.run).toBe('python3 -c "import geo_tools"');
    // Only recipe.yaml, and no staging folder left beside it.
    expect(readdirSync(dir)).toEqual(['recipe.yaml']);
    expect(readdirSync(join(parent, 'recipes'))).toEqual(['geo-tools']);
  });

  it('points the $schema comment at the JSON Schema, relative to the recipe folder', async () => {
    const parent = await tempDir();
    const dir = await scaffoldRecipe('geo', parent, schemaFile);
    const first = readFileSync(join(dir, 'recipe.yaml'), 'utf8').split('\n')[0] ?? '';
    const ref = first.replace('# yaml-language-server: $schema=', '');
    expect(ref).not.toBe(first);
    expect(ref.startsWith('/')).toBe(false);
    expect(resolve(dir, ref)).toBe(schemaFile);
  });

  it('uses ../../schema for a recipe in the repository recipes folder', () => {
    expect(schemaReference(join(packageRoot, 'recipes', 'x'), schemaFile)).toBe(
      '../../schema/recipe.schema.json',
    );
  });

  it('refuses an invalid name before creating anything', async () => {
    const parent = await tempDir();
    for (const name of ['Geo', 'geo_tools', '-geo', '', 'a'.repeat(64), '../escape']) {
      await expect(scaffoldRecipe(name, join(parent, 'recipes'), schemaFile), name).rejects.toBeInstanceOf(
        UserError,
      );
    }
    expect(existsSync(join(parent, 'recipes'))).toBe(false);
  });

  it('refuses to overwrite an existing folder', async () => {
    const parent = await tempDir();
    const dir = await scaffoldRecipe('geo', parent, schemaFile);
    await expect(scaffoldRecipe('geo', parent, schemaFile)).rejects.toThrow(`${dir} already exists`);
  });
});
