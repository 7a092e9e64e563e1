import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge, snapshotTree, writeTree } from './cli-harness.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'recipes');
const versionsA = join(fixtures, 'versions-a');
const versionsB = join(fixtures, 'versions-b');

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

const show = (...args: string[]) =>
  runLayerforge(['show', ...args, '--recipes', versionsA, '--recipes', versionsB], { cwd });

describe('layerforge show name@range', () => {
  it('shows the highest 1.x for @1', async () => {
    const run = await show('tiny@1');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')[0]).toBe('tiny 1.4.2: Fixture for version selection, 1.4.2');
    expect(run.stdout).toContain(`folder: ${join(versionsA, 'tiny-1.4')}`);
  });

  it('shows the highest match for ^2.1, and the newest stable for a bare name', async () => {
    expect((await show('tiny@^2.1')).stdout).toMatch(/^tiny 2\.3\.0: /);
    expect((await show('tiny@~2.1')).stdout).toMatch(/^tiny 2\.1\.0: /);
    expect((await show('tiny')).stdout).toMatch(/^tiny 2\.3\.0: /);
  });

  it('exits 2 listing the available versions when none matches', async () => {
    const run = await show('tiny@^7');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: no version of "tiny" satisfies ^7\n' +
        'hint: available versions: 1.0.0, 1.4.2, 2.1.0, 2.3.0, 3.0.0-beta.1 (e.g. tiny@3.0.0-beta.1)\n',
    );
  });

  it('exits 2 on a range that is not semver', async () => {
    const run = await show('tiny@newest');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: "newest" in "tiny@newest" is not a semver range\nhint: write e.g. tiny@2, tiny@^2.1 or tiny@2.1.3\n',
    );
  });

  it('prints the validated recipe, defaults filled, under --json', async () => {
    const run = await show('tiny@1.0.0', '--json');
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({
      name: 'tiny',
      version: '1.0.0',
      runtimes: ['python3.12', 'python3.13'],
      install: { python: { requirements: ['tiny==1.0.0'], binaryOnly: true } },
      tests: [],
      timeoutMinutes: 60,
      dir: join(versionsA, 'tiny'),
    });
  });

  it('exits 2 with a close match for an unknown recipe', async () => {
    const run = await show('tinny');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: no recipe named "tinny"\nhint: did you mean tiny?');
  });
});

describe('where show looks for recipes', () => {
  it('takes --recipes before the recipe name without swallowing it', async () => {
    const run = await runLayerforge(['show', '--recipes', versionsA, 'tiny'], { cwd });
    expect(run.stdout).toMatch(/^tiny 1\.4\.2: /);
  });

  it('reads $LAYERFORGE_RECIPES, several folders joined by the path delimiter', async () => {
    const env = { LAYERFORGE_RECIPES: [versionsA, versionsB].join(delimiter) };
    const run = await runLayerforge(['show', 'tiny@2.1.0'], { cwd, env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^tiny 2\.1\.0: /);
  });

  it("reads recipeDirs from layerforge.config.yaml, relative to the config file's folder", async () => {
    await writeTree(cwd, {
      'layerforge.config.yaml': 'recipeDirs: [my-recipes]\n',
      'my-recipes/tiny/recipe.yaml': readFileSync(join(versionsA, 'tiny', 'recipe.yaml'), 'utf8'),
    });
    const run = await runLayerforge(['show', 'tiny'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`folder: ${join(cwd, 'my-recipes', 'tiny')}`);
  });

  it("shows the user's recipe over a bundled one of the same name and version", async () => {
    const run = await runLayerforge(['show', 'hello@1.0.0', '--recipes', join(fixtures, 'shadow')], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe("hello 1.0.0: A user's own hello, shadowing the bundled recipe");
  });

  it('shows the bundled hello without user folders', async () => {
    const run = await runLayerforge(['show', 'hello'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`folder: ${join(packageRoot, 'recipes', 'hello')}`);
  });

  it('exits 2 naming the source of a recipe folder that does not exist', async () => {
    const run = await runLayerforge(['show', 'tiny', '--recipes', 'nowhere'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: recipe folder nowhere (from --recipes) does not exist\nhint: check the path; relative paths start at ${cwd}\n`,
    );
  });

  it('exits 2 with file:line:col for a malformed config file, and writes nothing', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': '# settings\nrecipeDirs: my-recipes\nreserveMB: 10\n' });
    const before = await snapshotTree(cwd);
    const run = await runLayerforge(['show', 'hello'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: layerforge.config.yaml:2:13: recipeDirs: expected a list of recipe folders, e.g. [recipes], got a string ("my-recipes")\n' +
        'hint: write a list, e.g. recipeDirs: [my-recipes]\n',
    );
    expect(await snapshotTree(cwd)).toEqual(before);
  });

  it('exits 2 with the position of a config recipe folder that does not exist', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': 'recipeDirs:\n  - recipes\n  - ../elsewhere\n' });
    await writeTree(cwd, { 'recipes/.keep': '' });
    const run = await runLayerforge(['show', 'hello'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error: layerforge.config.yaml:3:5: recipeDirs[1]: recipe folder "../elsewhere" does not exist\n',
    );
    expect(run.stderr).toContain("hint: paths are relative to the config file's folder");
  });

  it('exits 2 on an unknown config key with a did-you-mean', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': 'recipeDir: [recipes]\n' });
    const run = await runLayerforge(['show', 'hello'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: layerforge.config.yaml:1:1: recipeDir: unknown field "recipeDir"\nhint: did you mean "recipeDirs"?\n',
    );
  });
});

describe('layerforge show: versions per OS', () => {
  it('prints the version each OS gets, and keeps osVersions under --json', async () => {
    await writeTree(cwd, {
      'recipes/per-os/recipe.yaml': [
        'name: per-os',
        'version: 3.0.0',
        'summary: an OS package whose version differs per OS',
        'license: Apache-2.0',
        'homepage: https://example.com/per-os',
        "osVersions: { al2: '1.1.1', al2023: 3.2.2, debian12: 3.0.x }",
        'runtimes: [provided.al2023]',
        'architectures: [x86_64]',
        'install:',
        '  packages: { al2023: [openssl] }',
        '',
      ].join('\n'),
    });
    const run = await runLayerforge(['show', 'per-os', '--recipes', 'recipes'], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')).toContain('version per OS: al2 1.1.1, al2023 3.2.2, debian12 3.0.x');

    const json = await runLayerforge(['show', 'per-os', '--recipes', 'recipes', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({
      osVersions: { al2: '1.1.1', al2023: '3.2.2', debian12: '3.0.x' },
    });
  });
});
