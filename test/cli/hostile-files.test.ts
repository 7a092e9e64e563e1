// Hostile files next to good ones: one bad recipe or config file is a positioned error (exit 2),
// never a hang, an "internal error" or a Node warning, and never hides the other recipes.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { tempDir } from '../support/temp-dir.js';
import { GOOD, runLayerforge, snapshotTree, writeTree } from './cli-harness.js';

/** Nine levels of nine aliases: 9^9 strings once expanded. */
const BOMB =
  'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' +
  Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join(
    '\n',
  ) +
  '\n';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir('layerforge-hostile-');
});
afterEach(async () => {
  vi.restoreAllMocks();
});

/** recipes/good plus one folder per hostile recipe.yaml: a bomb, a FIFO, a complex key. */
async function hostileRecipes(): Promise<void> {
  await writeTree(cwd, {
    'recipes/good/recipe.yaml': GOOD,
    'recipes/bomb/recipe.yaml': GOOD.replace('name: good', 'name: bomb') + BOMB,
    'recipes/complex/recipe.yaml': GOOD.replace('name: good', 'name: complex') + '? [a, b]\n: c\n',
  });
  await mkdir(join(cwd, 'recipes', 'fifo'));
  execFileSync('mkfifo', [join(cwd, 'recipes', 'fifo', 'recipe.yaml')]);
  await mkdir(join(cwd, 'recipes', 'zero'));
  await symlink('/dev/zero', join(cwd, 'recipes', 'zero', 'recipe.yaml'));
}

describe('hostile recipes beside good ones', () => {
  it('list shows every good recipe and warns, positioned, about each hostile one', async () => {
    await hostileRecipes();
    const warn = vi.spyOn(process, 'emitWarning');
    const before = await snapshotTree(cwd);
    const started = Date.now();
    const run = await runLayerforge(['list', '--recipes', 'recipes'], { cwd });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(2);
    const names = run.stdout.split('\n').map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(expect.arrayContaining(['good', 'hello', 'jq']));
    expect(run.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      'warning: invalid recipe skipped: recipes/bomb/recipe.yaml:12:10: aliases expand past 100 copies (an alias bomb)',
      'warning: invalid recipe skipped: recipes/complex/recipe.yaml:11:3: a key must be a plain string, not a list or mapping',
      'warning: invalid recipe skipped: recipes/fifo/recipe.yaml:1:1: the recipe is a FIFO (named pipe), not a regular file',
      'warning: invalid recipe skipped: recipes/zero/recipe.yaml:1:1: the recipe is a device, not a regular file',
    ]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.stderr).not.toContain('stringified');
    expect(warn).not.toHaveBeenCalled();
    expect(await snapshotTree(cwd)).toEqual(before);
  });

  it('show hello works while a scanned folder holds a bomb, a FIFO, /dev/zero and a complex key', async () => {
    await hostileRecipes();
    const warn = vi.spyOn(process, 'emitWarning');
    const started = Date.now();
    const run = await runLayerforge(['show', 'hello', '--recipes', 'recipes'], { cwd });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hello');
    expect(warn).not.toHaveBeenCalled();
  });

  it('a script that links to another file inside the recipe folder is fine', async () => {
    await writeTree(cwd, {
      'recipes/linked/recipe.yaml': GOOD.replace('name: good', 'name: linked').replace(
        '  python:\n    requirements: [six]\n',
        '  script: build.sh\n',
      ),
      'recipes/linked/scripts/real-build.sh': '#!/bin/sh\n',
    });
    await symlink('scripts/real-build.sh', join(cwd, 'recipes', 'linked', 'build.sh'));
    const run = await runLayerforge(['show', 'linked', '--recipes', 'recipes'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('hostile layerforge.config.yaml', () => {
  it('refuses an alias bomb at its first alias, exit 2', async () => {
    await writeTree(cwd, { 'layerforge.config.yaml': `recipeDirs: []\n${BOMB}` });
    const run = await runLayerforge(['list'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: layerforge\.config\.yaml:3:10: aliases expand past 100 copies \(an alias bomb\)\n/,
    );
  });

  it('refuses a FIFO at once, exit 2', async () => {
    execFileSync('mkfifo', [join(cwd, 'layerforge.config.yaml')]);
    const started = Date.now();
    const run = await runLayerforge(['show', 'hello'], { cwd });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: layerforge\.config\.yaml:1:1: the config file is a FIFO \(named pipe\), not a regular file\n/,
    );
  });

  it('refuses bytes that are not UTF-8 at their line and column', async () => {
    await writeFile(
      join(cwd, 'layerforge.config.yaml'),
      Buffer.concat([Buffer.from('recipeDirs: []\nbase: deb'), Buffer.from([0xff]), Buffer.from('\n')]),
    );
    const run = await runLayerforge(['list'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: layerforge\.config\.yaml:2:10: byte 0xff is not valid UTF-8\n/);
  });
});

describe('build --out is checked before any build starts', () => {
  // Docker is never reached: with no engine configured these would otherwise fail differently.
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

  it("refuses --out ''", async () => {
    const run = await runLayerforge(['build', 'hello', '--out', ''], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: --out must name a folder, got an empty string\n' +
        'hint: leave --out out to write to dist, or give a folder such as --out build/layers\n',
    );
  });

  it('refuses --out that is an existing file, and leaves it alone', async () => {
    await writeTree(cwd, { 'notes.txt': 'keep me\n' });
    const before = await snapshotTree(cwd);
    const run = await runLayerforge(['build', 'hello', '--out', 'notes.txt'], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: --out notes.txt is a file, not a folder\n' +
        'hint: give a folder for the zip and manifest; it is created when missing\n',
    );
    expect(await snapshotTree(cwd)).toEqual(before);
  });
});

describe('build --allow-local-sources', () => {
  // An engine that cannot be reached: the build stops at its first container step.
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const recipes = join(packageRoot, 'test', 'fixtures', 'recipes-build');
  const argv = ['build', 'bad-checksum', '--recipes', recipes, '--base', 'debian12', '--out', 'o'];

  it('refuses a loopback source URL at resolve time without the flag', async () => {
    const run = await runLayerforge(argv, { cwd, env: { ...env, LAYERFORGE_CACHE_DIR: join(cwd, 'c') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'recipe.yaml:11:12: install.sources[0].url: the URL points at this machine (loopback)\n' +
        'hint: pass --allow-local-sources to download from a local mirror, or use an https URL\n',
    );
  });

  it('resolves the same recipe with the flag, and goes on to the engine', async () => {
    const run = await runLayerforge([...argv, '--allow-local-sources'], {
      cwd,
      env: { ...env, LAYERFORGE_CACHE_DIR: join(cwd, 'c') },
    });
    expect(run.stderr).toContain('✓ resolve');
    expect(run.stderr).toContain('cannot reach the Docker engine at unix:///nonexistent/docker.sock');
    expect(run.code).toBe(1);
  });
});
