// Malformed recipes, part 5: osVersions, the version each OS's packages actually give.
import { describe, expect, it } from 'vitest';
import { loadRecipe } from '../../../../src/core/recipes/load.js';
import { writeTree } from '../../../cli/cli-harness.js';
import { tempDir } from '../../../support/temp-dir.js';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

// osVersions sits on line 6, right after the valid head; its entries on lines 7 and on.
const TAIL = `runtimes: [provided.al2023]
architectures: [x86_64]
install:
  packages:
    al2023: [openssl]
`;

describe('recipe osVersions', () => {
  it('accepts a version per OS, "x" for whatever patch release the OS ships', async () => {
    const root = await tempDir('layerforge-os-versions-');
    await writeTree(root, {
      'broken/recipe.yaml': `${VALID_HEAD}osVersions:
  al2: '1.1.1'
  al2023: 3.2.2
  debian12: 3.0.x
${TAIL}`,
    });
    const { recipe } = await loadRecipe(`${root}/broken`);
    expect(recipe.osVersions).toEqual({ al2: '1.1.1', al2023: '3.2.2', debian12: '3.0.x' });
  });

  it('is optional', async () => {
    const root = await tempDir('layerforge-os-versions-');
    await writeTree(root, { 'broken/recipe.yaml': `${VALID_HEAD}${TAIL}` });
    expect((await loadRecipe(`${root}/broken`)).recipe.osVersions).toBeUndefined();
  });

  it('refuses an OS layerforge does not build on, at its key', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}osVersions:
  al2023: 3.2.2
  ubuntu24: 3.0.13
${TAIL}`,
      line: 8,
      column: 3,
      path: 'osVersions.ubuntu24',
      message: 'unknown field "ubuntu24"',
      hint: 'allowed here: al2, al2023, debian12',
    });
  });

  it('asks for quotes when YAML read the version as a number', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}osVersions:
  al2: 1.5
${TAIL}`,
      line: 7,
      column: 8,
      path: 'osVersions.al2',
      message: 'expected the version this OS gets, e.g. "3.2.2" or "3.0.x", got a number (1.5)',
      hint: "YAML read it as a number: quote it, e.g. al2: '1.5'",
    });
  });

  it('refuses a version that does not start with a digit', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}osVersions:
  debian12: latest
${TAIL}`,
      line: 7,
      column: 13,
      path: 'osVersions.debian12',
      message: 'expected the version this OS gets, e.g. "3.2.2" or "3.0.x", got "latest"',
    });
  });

  it('refuses an empty mapping: it names no OS', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}osVersions: {}
${TAIL}`,
      line: 6,
      column: 13,
      path: 'osVersions',
      message: 'expected an entry for at least one OS: al2, al2023, debian12',
    });
  });

  it('refuses a plain string where the mapping belongs', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}osVersions: 3.2.2
${TAIL}`,
      line: 6,
      column: 13,
      path: 'osVersions',
      message: 'expected versions per OS, e.g. { al2023: 3.2.2, debian12: 3.0.x }, got a string ("3.2.2")',
    });
  });
});
