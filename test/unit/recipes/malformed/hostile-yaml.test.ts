// Malformed recipes, part 4: hostile files. Alias bombs, FIFOs and devices, bytes that are not
// UTF-8, control characters and complex keys: each is a positioned error (exit 2), never a hang,
// an "internal error" or a Node warning.
import { execFileSync } from 'node:child_process';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VALID_HEAD, expectInvalidRecipe } from './expect-invalid.js';

const TAIL = `runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six]
`;

/** Nine levels of nine aliases: 9^9 (387 million) strings once expanded. */
function aliasBomb(): string {
  const lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `lol${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

afterEach(() => vi.restoreAllMocks());

describe('malformed recipe: resource exhaustion', () => {
  it('refuses an alias bomb at its first alias, without expanding it', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}${aliasBomb()}`,
      // Line 12 is "lol1: &a1 [*a0, ...": the first alias starts at column 12.
      line: 12,
      column: 12,
      path: '',
      message: 'aliases expand past 100 copies (an alias bomb)',
      hint: 'write the values out instead of repeating anchors',
    });
  });

  it('refuses a recipe.yaml that is a FIFO, and returns at once', async () => {
    const started = Date.now();
    await expectInvalidRecipe({
      yaml: VALID_HEAD,
      setup: async (dir) => {
        await rm(join(dir, 'recipe.yaml'));
        execFileSync('mkfifo', [join(dir, 'recipe.yaml')]);
      },
      line: 1,
      column: 1,
      path: '',
      message: 'the recipe is a FIFO (named pipe), not a regular file',
      hint: 'replace recipes/broken/recipe.yaml with a regular file',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a recipe.yaml that links to /dev/zero without reading it', async () => {
    await expectInvalidRecipe({
      yaml: VALID_HEAD,
      setup: async (dir) => {
        await rm(join(dir, 'recipe.yaml'));
        await symlink('/dev/zero', join(dir, 'recipe.yaml'));
      },
      line: 1,
      column: 1,
      path: '',
      message: 'the recipe is a device, not a regular file',
    });
  });

  it('refuses half a million nested brackets at the 65th, before the parser sees them', async () => {
    const started = Date.now();
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}deep: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`,
      line: 11,
      column: 71,
      path: '',
      message: 'the file nests more than 64 levels deep',
      hint: 'a recipe or config is a few levels deep: check that this is the file you meant',
    });
    // The yaml package alone spends seconds on this; the scan is linear.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a block sequence nested on one line ("- - - …")', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}deep:\n${'- '.repeat(300_000)}a\n`,
      line: 12,
      column: 1,
      path: '',
      message: 'the file nests more than 64 levels deep',
    });
  });

  it('refuses a recipe over 1 MB', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}# ${'x'.repeat(1024 * 1024)}\n`,
      line: 1,
      column: 1,
      path: '',
      message: `the recipe is ${VALID_HEAD.length + TAIL.length + 1024 * 1024 + 3} bytes, more than the 1048576 allowed`,
    });
  });
});

describe('malformed recipe: text that is not what it seems', () => {
  it('positions the first byte that is not UTF-8 instead of replacing it with U+FFFD', async () => {
    await expectInvalidRecipe({
      yaml: '',
      setup: (dir) =>
        writeFile(
          join(dir, 'recipe.yaml'),
          Buffer.concat([
            Buffer.from('name: broken\nversion: 1.0.0\nsummary: Caf'),
            Buffer.from([0xe9]), // "é" in Latin-1
            Buffer.from(`\nlicense: MIT\nhomepage: https://example.com/broken\n${TAIL}`),
          ]),
        ),
      line: 3,
      column: 13,
      path: '',
      message: 'byte 0xe9 is not valid UTF-8',
      hint: 'save recipes/broken/recipe.yaml as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
    });
  });

  it('refuses an escape sequence written as a YAML escape in a value', async () => {
    await expectInvalidRecipe({
      yaml: `name: broken
version: 1.0.0
summary: "Clears your screen \\e[2J"
license: MIT
homepage: https://example.com/broken
${TAIL}`,
      line: 3,
      column: 10,
      path: 'summary',
      message: 'control character U+001B (ESC) is not allowed',
      hint: 'remove it: values are printed to terminals, where control characters act as commands',
    });
  });

  it('points at a raw control character where it is written, in a list item', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}runtimes: [python3.12]
architectures: [x86_64]
install:
  python:
    requirements: [six, "num\u0007py"]
`,
      line: 10,
      column: 29,
      // Refused before parsing, so no field path: only its exact place.
      path: '',
      message: 'control character U+0007 (BEL) is not allowed',
    });
  });

  it('refuses a C1 control (a one-byte CSI) in a key', async () => {
    await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}"x\\u009b2J": 1\n`,
      line: 11,
      column: 1,
      path: '',
      message: 'control character U+009B (CSI) is not allowed',
    });
  });

  it('refuses a complex key at the key, and prints no Node warning', async () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const run = await expectInvalidRecipe({
      yaml: `${VALID_HEAD}${TAIL}? [a, b]\n: c\n`,
      line: 11,
      column: 3,
      path: '',
      message: 'a key must be a plain string, not a list or mapping',
      hint: 'write the key as plain text, e.g. name:',
    });
    expect(warn).not.toHaveBeenCalled();
    expect(run.stderr).not.toContain('stringified');
  });
});
