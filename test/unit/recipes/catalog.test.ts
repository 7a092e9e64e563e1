import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { bundledRecipesDir, packageRoot } from '../../../src/core/paths.js';
import {
  findRecipeFolders,
  listRecipes,
  parseRecipeSpec,
  resolveRecipe,
} from '../../../src/core/recipes/catalog.js';
import { semver } from '../../../src/core/recipes/semver-on-demand.js';
import { InvalidFileError } from '../../../src/core/yaml/invalid-file-error.js';
import { tempDir } from '../../support/temp-dir.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'recipes');
const versionsA = join(fixtures, 'versions-a');
const versionsB = join(fixtures, 'versions-b');
const shadow = join(fixtures, 'shadow');

async function versionOf(spec: string, dirs = [versionsA, versionsB]): Promise<string> {
  return (await resolveRecipe(spec, dirs)).recipe.version;
}

async function thrown(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('parseRecipeSpec', () => {
  it('reads a bare name as "the newest"', () => {
    expect(parseRecipeSpec('pandas')).toEqual({ name: 'pandas', range: undefined });
  });

  it('splits name@range', () => {
    expect(parseRecipeSpec('pandas@^2.1')).toEqual({ name: 'pandas', range: '^2.1' });
    expect(parseRecipeSpec('pandas@2')).toEqual({ name: 'pandas', range: '2' });
  });

  it('refuses a range that is not semver, and an empty one, as bad input (exit 2)', () => {
    for (const spec of ['pandas@latest', 'pandas@', 'pandas@>>2']) {
      let error: unknown;
      try {
        parseRecipeSpec(spec);
      } catch (e) {
        error = e;
      }
      expect(error, spec).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toContain('is not a semver range');
      expect((error as UserError).hint).toBe('write e.g. pandas@2, pandas@^2.1 or pandas@2.1.3');
    }
  });
});

describe('resolveRecipe picks a version by semver range across folders', () => {
  it('picks the highest stable version when no range is given', async () => {
    expect(await versionOf('tiny')).toBe('2.3.0');
  });

  it('picks the highest 1.x for @1', async () => {
    expect(await versionOf('tiny@1')).toBe('1.4.2');
  });

  it('honours caret, tilde and exact ranges', async () => {
    expect(await versionOf('tiny@^2.1')).toBe('2.3.0');
    expect(await versionOf('tiny@~2.1')).toBe('2.1.0');
    expect(await versionOf('tiny@~1.0')).toBe('1.0.0');
    expect(await versionOf('tiny@2.1.0')).toBe('2.1.0');
    expect(await versionOf('tiny@<2')).toBe('1.4.2');
  });

  it('reaches a prerelease only through a range that asks for it', async () => {
    expect((await thrown(resolveRecipe('tiny@3', [versionsB]))).message).toBe(
      'no version of "tiny" satisfies 3',
    );
    expect(await versionOf('tiny@>=3.0.0-0')).toBe('3.0.0-beta.1');
  });

  it('says which versions exist when none satisfies the range', async () => {
    const error = await thrown(resolveRecipe('tiny@^5', [versionsA, versionsB]));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('no version of "tiny" satisfies ^5');
    expect(error.hint).toBe(
      'available versions: 1.0.0, 1.4.2, 2.1.0, 2.3.0, 3.0.0-beta.1 (e.g. tiny@3.0.0-beta.1)',
    );
  });

  it('only searches the folders it is given', async () => {
    const error = await thrown(resolveRecipe('tiny@2', [versionsA]));
    expect(error.hint).toBe('available versions: 1.0.0, 1.4.2 (e.g. tiny@1.4.2)');
  });

  it('suggests close names for an unknown recipe', async () => {
    const error = await thrown(resolveRecipe('tinny', [versionsA]));
    expect(error.message).toBe('no recipe named "tinny"');
    expect(error.hint).toContain('did you mean tiny?');
    expect(error.hint).toContain('layerforge init tinny');
  });

  describe('compares versions only when there is a choice', () => {
    afterEach(() => vi.restoreAllMocks());
    const comparisons = () =>
      (['rcompare', 'compare', 'satisfies', 'prerelease'] as const).map((name) => vi.spyOn(semver, name));

    it('takes the one version of a name as it is, even a prerelease', async () => {
      const spies = comparisons();
      expect(await versionOf('tiny', [join(versionsB, 'tiny-3-beta')])).toBe('3.0.0-beta.1');
      expect(await versionOf('tiny', [join(versionsA, 'tiny')])).toBe('1.0.0');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    });

    it('compares a name of several versions, and a single one under a range', async () => {
      const [rcompare] = comparisons();
      expect(await versionOf('tiny', [versionsA])).toBe('1.4.2');
      expect(rcompare).toHaveBeenCalled();
      expect((await thrown(resolveRecipe('tiny@2', [join(versionsA, 'tiny')]))).message).toBe(
        'no version of "tiny" satisfies 2',
      );
    });
  });

  it('reports a broken recipe of that name instead of silently using another version', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tiny'));
    await writeFile(join(dir, 'tiny', 'recipe.yaml'), 'name: tiny\nversion: one\n');
    const error = await thrown(resolveRecipe('tiny@1', [dir, versionsA]));
    expect(error).toBeInstanceOf(InvalidFileError);
    const issues = (error as InvalidFileError).issues;
    expect(issues.find((i) => i.path === 'version')).toMatchObject({ line: 2, column: 10 });
  });
});

describe('user recipes shadow bundled ones', () => {
  it('resolves hello to the bundled recipe without user folders', async () => {
    expect((await resolveRecipe('hello', [])).dir).toBe(join(bundledRecipesDir, 'hello'));
  });

  it("resolves hello to the user's recipe of the same name and version", async () => {
    const loaded = await resolveRecipe('hello@1.0.0', [shadow]);
    expect(loaded.dir).toBe(join(shadow, 'hello'));
    expect(loaded.recipe.summary).toBe("A user's own hello, shadowing the bundled recipe");
  });

  it('lists the shadowing recipe once and records what it hides', async () => {
    const listing = await listRecipes([shadow]);
    const hellos = listing.recipes.filter((r) => r.recipe.name === 'hello');
    expect(hellos.map((r) => r.dir)).toEqual([join(shadow, 'hello')]);
    expect(listing.shadowed).toEqual([{ dir: join(bundledRecipesDir, 'hello'), by: join(shadow, 'hello') }]);
  });
});

describe('findRecipeFolders', () => {
  it('accepts a folder that is itself a recipe, and skips dot-folders and folders without recipe.yaml', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.half-written.tmp'));
    await writeFile(join(dir, '.half-written.tmp', 'recipe.yaml'), 'name: ghost\n');
    await mkdir(join(dir, 'notes'));
    const roots = await findRecipeFolders([dir, join(versionsA, 'tiny')]);
    expect(roots.map((f) => f.name)).not.toContain('ghost');
    expect(roots[0]).toEqual({ dir: join(versionsA, 'tiny'), name: 'tiny', version: '1.0.0' });
  });

  it('refuses a folder that does not exist', async () => {
    const dir = await tempDir();
    const error = await thrown(findRecipeFolders([join(dir, 'missing')]));
    expect(error.message).toBe(`recipe folder ${join(dir, 'missing')} does not exist`);
    expect(error.exitCode).toBe(2);
  });
});
