// Malformed recipes, part 2: top-level fields (missing, wrong type, bad values, budget).
import { describe, it } from 'vitest';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

const INSTALL = `install:
  python:
    requirements: [six]
`;

describe('malformed recipe: missing fields point at the parent mapping', () => {
  it('reports a missing name at the start of the recipe mapping', async () => {
    await expectInvalidRecipe({
      yaml: `# yaml-language-server: $schema=../../schema/recipe.schema.json
version: 1.0.0
summary: A recipe without a name
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 2,
      column: 1,
      path: 'name',
      message:
        'missing required field "name": expected a recipe name of lowercase letters, digits and dashes (at most 63), e.g. "libvips-tools"',
    });
  });

  it('reports a missing version', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
summary: A recipe without a version
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 1,
      column: 1,
      path: 'version',
      message: 'missing required field "version": expected a semver version like 1.2.3',
    });
  });

  it('reports a smoke test without run at the test mapping', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}tests:
  - name: imports six
    expect: ok
`,
      line: 12,
      column: 5,
      path: 'tests[0].run',
      message: 'missing required field "run": expected a shell command to run with the layer at /opt',
    });
  });
});

describe('malformed recipe: bad values', () => {
  it('explains a version YAML read as a number', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 1.2
summary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 2,
      column: 10,
      path: 'version',
      message: 'expected a semver version like 1.2.3, got a number (1.2)',
      hint: 'YAML read it as a number: write three parts, e.g. version: 1.2.0',
    });
  });

  it('refuses a non-canonical version and suggests the canonical one', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: v2.0.1
summary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 2,
      column: 10,
      path: 'version',
      message: 'expected a semver version like 1.2.3, got "v2.0.1"',
      hint: 'did you mean 2.0.1?',
    });
  });

  it('refuses a name with capitals and underscores, suggesting one that works', async () => {
    await expectInvalidRecipe({
      spec: 'My_Lib',
      yaml: `name: My_Lib
version: 1.0.0
summary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 1,
      column: 7,
      path: 'name',
      message:
        'expected a recipe name of lowercase letters, digits and dashes (at most 63), e.g. "libvips-tools", got "My_Lib"',
      hint: 'try "my-lib"',
    });
  });

  it('refuses a homepage without a scheme', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 1.0.0
summary: A recipe with one mistake
license: MIT
homepage: example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 5,
      column: 11,
      path: 'homepage',
      message: 'expected an http(s) URL, got "example.com/broken"',
      hint: 'give the full URL, e.g. https://example.com/broken',
    });
  });

  it('names the close runtime ids for an unknown one', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12, python3.1]
architectures: [x86_64]
${INSTALL}`,
      line: 6,
      column: 24,
      path: 'runtimes[1]',
      message: 'unknown Lambda runtime "python3.1"',
      hint: 'did you mean python3.9, python3.10, python3.11, python3.12, python3.13, python3.14?',
    });
  });

  it('asks for a list when runtimes is a string', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: python3.12
architectures: [x86_64]
${INSTALL}`,
      line: 6,
      column: 11,
      path: 'runtimes',
      message: 'expected a list of Lambda runtime ids, e.g. [python3.12], got a string ("python3.12")',
      hint: 'write a list, e.g. runtimes: [python3.12]',
    });
  });

  it('refuses an empty runtimes list', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: []
architectures: [x86_64]
${INSTALL}`,
      line: 6,
      column: 11,
      path: 'runtimes',
      message: 'expected at least one Lambda runtime id, got an empty list',
    });
  });

  it('refuses a runtime listed twice, at the repeat', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12, python3.12]
architectures: [x86_64]
${INSTALL}`,
      line: 6,
      column: 24,
      path: 'runtimes[1]',
      message: 'runtime "python3.12" is listed twice',
    });
  });

  it('translates the Docker name of an architecture', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [amd64]
${INSTALL}`,
      line: 7,
      column: 17,
      path: 'architectures[0]',
      message: 'unknown architecture "amd64"',
      hint: 'Lambda calls it x86_64: write [x86_64]',
    });
  });
});

describe('malformed recipe: size budget', () => {
  it("refuses a budget over Lambda's 250 MB", async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}budget:
  unzippedMB: 300
`,
      line: 12,
      column: 15,
      path: 'budget.unzippedMB',
      message: "expected at most 250, Lambda's limit for a function and all its layers unzipped, got 300",
      hint: 'split the layer, or lower the budget: no function can use more than 250 MB of layers',
    });
  });

  it('refuses a negative budget', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}budget: { unzippedMB: -5 }
`,
      line: 11,
      column: 23,
      path: 'budget.unzippedMB',
      message: 'expected a positive number of MB, got -5',
    });
  });

  it('asks for the number alone when the budget says "100MB"', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
${INSTALL}budget:
  unzippedMB: 100MB
`,
      line: 12,
      column: 15,
      path: 'budget.unzippedMB',
      message: 'expected a size in MB (1 MB = 1024² bytes), got a string ("100MB")',
      hint: 'write the number alone: unzippedMB: 100',
    });
  });
});
