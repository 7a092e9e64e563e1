import { describe, expect, it } from 'vitest';
import { cellLabel, expandMatrix } from '../../../src/core/builder/matrix.js';
import { UserError } from '../../../src/core/errors.js';
import { loadedRecipe, makeRecipe } from './helpers.js';

const py = loadedRecipe(
  makeRecipe({
    name: 'py-lib',
    version: '2.0.1',
    runtimes: ['python3.12', 'python3.11', 'python3.13'],
    architectures: ['x86_64', 'arm64'],
  }),
);
const armOnly = loadedRecipe(
  makeRecipe({ name: 'arm-tool', version: '0.3.0', runtimes: ['provided.al2023'], architectures: ['arm64'] }),
);
const provided = loadedRecipe(
  makeRecipe({ name: 'tool', version: '1.0.0', runtimes: ['provided.al2023', 'provided.al2'] }),
);

describe('expandMatrix', () => {
  it('defaults to the first runtime and x86_64', () => {
    expect(expandMatrix([py], [], [])).toEqual([
      { recipe: 'py-lib@2.0.1', runtime: 'python3.12', arch: 'x86_64' },
    ]);
  });

  it('defaults to the only arch a recipe has when it has no x86_64', () => {
    expect(expandMatrix([armOnly], [], [])).toEqual([
      { recipe: 'arm-tool@0.3.0', runtime: 'provided.al2023', arch: 'arm64' },
    ]);
  });

  it('crosses every runtime with every arch asked for, runtimes first', () => {
    expect(expandMatrix([py], ['python3.11', 'python3.13'], ['x86_64', 'arm64']).map(cellLabel)).toEqual([
      'py-lib@2.0.1/python3.11/x86_64',
      'py-lib@2.0.1/python3.11/arm64',
      'py-lib@2.0.1/python3.13/x86_64',
      'py-lib@2.0.1/python3.13/arm64',
    ]);
  });

  it('leaves out the combinations a recipe does not support', () => {
    const cells = expandMatrix(
      [py, armOnly, provided],
      ['python3.12', 'provided.al2023'],
      ['x86_64', 'arm64'],
    );
    expect(cells.map(cellLabel)).toEqual([
      'py-lib@2.0.1/python3.12/x86_64',
      'py-lib@2.0.1/python3.12/arm64',
      'arm-tool@0.3.0/provided.al2023/arm64',
      'tool@1.0.0/provided.al2023/x86_64',
      'tool@1.0.0/provided.al2023/arm64',
    ]);
  });

  it('drops a recipe with no cell left when several were asked for', () => {
    expect(expandMatrix([py, armOnly], ['python3.12'], ['arm64']).map(cellLabel)).toEqual([
      'py-lib@2.0.1/python3.12/arm64',
    ]);
  });

  it('fails for a single recipe that supports none of the runtimes asked for', () => {
    expect(() => expandMatrix([py], ['nodejs20.x'], [])).toThrow(UserError);
    try {
      expandMatrix([py], ['nodejs20.x'], []);
    } catch (error) {
      expect((error as UserError).message).toBe(
        'recipe py-lib supports none of the runtimes/architectures asked for',
      );
      expect((error as UserError).hint).toBe(
        'it supports python3.12, python3.11, python3.13 on x86_64, arm64',
      );
    }
  });

  it('fails for a single recipe that supports none of the architectures asked for', () => {
    expect(() => expandMatrix([armOnly], [], ['x86_64'])).toThrow(/arm-tool supports none/);
  });
});

describe('cellLabel', () => {
  it('joins recipe, runtime and arch with slashes', () => {
    expect(cellLabel({ recipe: 'gdal@3.9.0', runtime: 'python3.12', arch: 'arm64' })).toBe(
      'gdal@3.9.0/python3.12/arm64',
    );
  });
});

describe('expandMatrix with nothing to build', () => {
  it('refuses a matrix in which no recipe supports what was asked for', async () => {
    const { resolveRecipe } = await import('../../../src/core/recipes/catalog.js');
    const recipes = [await resolveRecipe('hello', []), await resolveRecipe('jq', [])];
    expect(() => expandMatrix(recipes, ['java21'], [])).toThrow(/none of the 2 recipes supports/);
  });
});
