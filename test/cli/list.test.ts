import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { tempDir } from '../support/temp-dir.js';
import { GOOD, runLayerforge, snapshotTree, writeTree } from './cli-harness.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'recipes');

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

/** Rows of the table as [name, version, ...]. */
function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
}

describe('layerforge list', () => {
  it('lists bundled and user recipes, every version, and exits 0 when all are valid', async () => {
    const run = await runLayerforge(
      ['list', '--recipes', join(fixtures, 'versions-a'), '--recipes', join(fixtures, 'versions-b')],
      { cwd },
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const table = rows(run.stdout);
    expect(table[0]).toEqual(['NAME', 'VERSION', 'RUNTIMES', 'ARCH', 'SUMMARY']);
    expect(table.filter((r) => r[0] === 'tiny').map((r) => r[1])).toEqual([
      '1.0.0',
      '1.4.2',
      '2.1.0',
      '2.3.0',
      '3.0.0-beta.1',
    ]);
    expect(table.find((r) => r[0] === 'hello')?.[1]).toBe('1.0.0');
    expect(table.find((r) => r[0] === 'tiny')?.slice(2, 4)).toEqual([
      'python3.12,python3.13',
      'x86_64,arm64',
    ]);
  });

  it("lists a user's recipe in place of the bundled one it shadows, with a note", async () => {
    const run = await runLayerforge(['list', '--recipes', join(fixtures, 'shadow')], { cwd });
    expect(run.code).toBe(0);
    const hellos = rows(run.stdout).filter((r) => r[0] === 'hello');
    expect(hellos).toHaveLength(1);
    expect(hellos[0]?.[4]).toBe("A user's own hello, shadowing the bundled recipe");
    expect(run.stderr).toBe(
      `note: ${join(packageRoot, 'recipes', 'hello')} is shadowed by ${join(fixtures, 'shadow', 'hello')}\n`,
    );
  });

  it('still lists the valid recipes, warns about each invalid one with file:line:col, and exits 2', async () => {
    await writeTree(cwd, {
      'recipes/good/recipe.yaml': GOOD,
      'recipes/bad/recipe.yaml': GOOD.replace('name: good', 'name: bad').replace(
        'version: 1.0.0',
        'version: 1.0',
      ),
    });
    const before = await snapshotTree(cwd);
    const run = await runLayerforge(['list', '--recipes', 'recipes'], { cwd });
    expect(run.code).toBe(2);
    expect(rows(run.stdout).map((r) => r[0])).toEqual(expect.arrayContaining(['good', 'hello']));
    expect(rows(run.stdout).map((r) => r[0])).not.toContain('bad');
    expect(run.stderr).toBe(
      'warning: invalid recipe skipped: recipes/bad/recipe.yaml:2:10: version: expected a semver version like 1.2.3, got a number (1.0)\n' +
        '  hint: YAML read it as a number: write three parts, e.g. version: 1.0.0\n',
    );
    expect(await snapshotTree(cwd)).toEqual(before);
  });

  it('reports invalid recipes with their positioned issues under --json', async () => {
    await writeTree(cwd, { 'recipes/bad/recipe.yaml': GOOD.replace('[arm64]', '[aarch64]') });
    const run = await runLayerforge(['list', '--json', '--recipes', 'recipes'], { cwd });
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout) as {
      recipes: { name: string }[];
      invalid: {
        dir: string;
        issues: { file: string; line: number; column: number; path: string; hint?: string }[];
      }[];
    };
    expect(out.recipes.map((r) => r.name)).toContain('hello');
    expect(out.invalid).toHaveLength(1);
    expect(out.invalid[0]?.dir).toBe(join(cwd, 'recipes', 'bad'));
    expect(out.invalid[0]?.issues).toEqual([
      {
        file: 'recipes/bad/recipe.yaml',
        line: 7,
        column: 17,
        path: 'architectures[0]',
        message: 'unknown architecture "aarch64"',
        hint: 'Lambda calls it arm64: write [arm64]',
      },
    ]);
  });

  it('exits 2 with file:line:col when layerforge.config.yaml is malformed', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': 'reserveMB: lots\n' });
    const run = await runLayerforge(['list'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: layerforge\.config\.yaml:1:12: reserveMB: expected a number of MB, got a string \("lots"\)\n/,
    );
  });

  it('documents its exit codes in --help', async () => {
    const run = await runLayerforge(['list', '--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  2  some recipe is invalid');
  });
});
