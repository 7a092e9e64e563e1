// Every recipe file in the repository must validate: the bundled ones (iterated, so recipes
// added later are covered) and this suite's own fixtures. Their `$schema` comment must point
// at the committed JSON Schema, so editors complete them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRecipesDir, packageRoot } from '../../../src/core/paths.js';
import { loadRecipe } from '../../../src/core/recipes/load.js';

const schemaFile = join(packageRoot, 'schema', 'recipe.schema.json');

function recipeFolders(root: string): string[] {
  return readdirSync(root)
    .map((name) => join(root, name))
    .filter((dir) => statSync(dir).isDirectory())
    .flatMap((dir) => (existsSync(join(dir, 'recipe.yaml')) ? [dir] : recipeFolders(dir)));
}

const bundled = recipeFolders(bundledRecipesDir);
const fixtures = recipeFolders(join(packageRoot, 'test', 'fixtures', 'recipes'));

function expectSchemaComment(dir: string): void {
  const firstLine = readFileSync(join(dir, 'recipe.yaml'), 'utf8').split('\n')[0] ?? '';
  const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
  expect(match, `${relative(packageRoot, dir)}/recipe.yaml line 1`).not.toBeNull();
  expect(resolve(dir, match?.[1] ?? '')).toBe(schemaFile);
}

describe('bundled recipes', () => {
  it('exist (the folder is not empty)', () => {
    expect(bundled.map((d) => basename(d))).toContain('hello');
  });

  for (const dir of bundled) {
    const name = basename(dir);
    it(`${name} validates, is named after its folder, and references the JSON Schema`, async () => {
      const { recipe } = await loadRecipe(dir);
      expect(recipe.name).toBe(name);
      expect(dirname(dir)).toBe(bundledRecipesDir);
      expectSchemaComment(dir);
    });
  }
});

describe('recipe fixtures', () => {
  for (const dir of fixtures) {
    it(`${relative(packageRoot, dir)} validates and references the JSON Schema`, async () => {
      await loadRecipe(dir);
      expectSchemaComment(dir);
    });
  }
});
