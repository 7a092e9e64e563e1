// Malformed recipes, part 1: YAML syntax, document shape and unknown fields.
// Each case runs `layerforge show` in-process; see expect-invalid.ts for what every case asserts.
import { describe, expect, it } from 'vitest';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

describe('malformed recipe: YAML syntax', () => {
  it('points an unclosed flow list at its opening bracket', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12, python3.11
architectures: [x86_64]
install:
  python:
    requirements: [six]
`,
      line: 6,
      column: 11,
      path: 'runtimes',
      message:
        'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      hint: 'close the [ opened here with ]',
    });
  });

  it('points an unclosed quote at the quote', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 1.0.0
summary: "A recipe with one mistake
license: MIT
`,
      line: 3,
      column: 10,
      path: 'summary',
      message: 'YAML syntax error: an opening quote or bracket is never closed',
      hint: 'close the quote opened here',
    });
  });

  it('reports a duplicate key at the second one, naming the line of the first', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six]
runtimes: [python3.11]
`,
      line: 11,
      column: 1,
      path: 'runtimes',
      message: 'duplicate key "runtimes"',
      hint: '"runtimes" is already set on line 6: keep one of them',
    });
  });

  it('reports a tab used as indentation', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
\tpython: { requirements: [six] }
`,
      line: 9,
      column: 1,
      path: '',
      message: 'YAML syntax error: Tabs are not allowed as indentation',
      hint: 'indent with spaces; YAML does not allow tabs',
    });
  });

  it('points a mis-indented key at the key, not at the start of its line', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six]
   binaryOnly: true
`,
      line: 11,
      column: 4,
      path: '',
      message: 'YAML syntax error: All mapping items must start at the same column',
    });
  });

  it('refuses two YAML documents in one file', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}---
runtimes: [python3.12]
`,
      line: 6,
      column: 1,
      path: '',
      message: 'YAML syntax error: the file holds more than one YAML document',
      hint: 'keep one document per file: remove the `---` line',
    });
  });
});

describe('malformed recipe: not a recipe mapping', () => {
  it('refuses a list where the recipe mapping belongs', async () => {
    await expectInvalidRecipe({
      yaml: `# yaml-language-server: $schema=../../schema/recipe.schema.json
- name: broken
- version: 1.0.0
`,
      line: 2,
      column: 1,
      path: '',
      message: 'expected a recipe: a mapping with name, version, summary, runtimes, install ..., got a list',
    });
  });

  it('refuses a plain scalar document', async () => {
    await expectInvalidRecipe({
      yaml: 'just a sentence about my layer\n',
      line: 1,
      column: 1,
      path: '',
      message:
        'expected a recipe: a mapping with name, version, summary, runtimes, install ..., got a string ("just a sentence about my layer")',
    });
  });

  it('refuses an empty file', async () => {
    await expectInvalidRecipe({
      yaml: '',
      line: 1,
      column: 1,
      path: '',
      message: 'the file is empty',
      hint: 'start from a scaffold: `layerforge init <name>`',
    });
  });

  it('treats a file of comments only as empty', async () => {
    await expectInvalidRecipe({
      yaml: '# yaml-language-server: $schema=../../schema/recipe.schema.json\n# TODO: write this recipe\n',
      line: 1,
      column: 1,
      path: '',
      message: 'the file is empty',
    });
  });
});

describe('malformed recipe: unknown fields', () => {
  it('suggests "summary" for "sumary" and does not also report summary as missing', async () => {
    const run = await expectInvalidRecipe({
      yaml: `name: broken
version: 1.0.0
sumary: A recipe with one mistake
license: MIT
homepage: https://example.com/broken
runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six]
`,
      line: 3,
      column: 1,
      path: 'sumary',
      message: 'unknown field "sumary"',
      hint: 'did you mean "summary"?',
    });
    expect(run.stderr).not.toContain('missing required field "summary"');
  });

  it('suggests the right nested key: requirement -> requirements', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirement: [six]
`,
      line: 10,
      column: 5,
      path: 'install.python.requirement',
      message: 'unknown field "requirement"',
      hint: 'did you mean "requirements"?',
    });
  });

  it('lists the allowed keys when nothing is close', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
colour: blue
install:
  python:
    requirements: [six]
`,
      line: 8,
      column: 1,
      path: 'colour',
      message: 'unknown field "colour"',
      hint: 'allowed here: $schema, name, version, osVersions, summary, license, homepage, runtimes, architectures, install,',
    });
  });

  it('names an OS that recipes cannot target, with the ones they can', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [provided.al2023]
architectures: [x86_64]
install:
  packages:
    ubuntu: [libpq5]
`,
      line: 10,
      column: 5,
      path: 'install.packages.ubuntu',
      message: 'unknown field "ubuntu"',
      hint: 'allowed here: al2, al2023, debian12',
    });
  });
});
