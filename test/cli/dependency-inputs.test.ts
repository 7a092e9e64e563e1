// `init --from` and `build` with dependency files, in-process: what is written, what is refused
// (exit 2, nothing written). The builds themselves run in test/integration/dependency-builds.test.ts.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

describe('layerforge init --from', () => {
  it('writes the recipe a build would make from a uv project, which show then finds', async () => {
    cpSync(join(examples, 'uv-project'), join(cwd, 'svc'), { recursive: true });
    const run = await runLayerforge(['init', '--from', 'svc'], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('created recipes/uv-project/recipe.yaml');
    const yaml = readFileSync(join(cwd, 'recipes', 'uv-project', 'recipe.yaml'), 'utf8');
    expect(yaml).toMatch(/^# yaml-language-server: \$schema=/);
    expect(yaml).toContain('# Made by `layerforge init --from` from uv.lock in svc');
    const show = await runLayerforge(['show', 'uv-project', '--json'], { cwd });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: 'uv-project', runtimes: ['python3.11'] });
  });

  it('takes a requirements file, a name and runtimes; refuses to overwrite, leaving nothing half-written', async () => {
    writeFileSync(join(cwd, 'requirements.txt'), 'numpy==2.2.6\n');
    const args = ['init', 'geo', '--from', 'requirements.txt', '--runtime', 'python3.12'];
    expect((await runLayerforge(args, { cwd })).code).toBe(0);
    const before = readFileSync(join(cwd, 'recipes', 'geo', 'recipe.yaml'), 'utf8');
    const again = await runLayerforge(args, { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(cwd, 'recipes', 'geo', 'recipe.yaml'), 'utf8')).toBe(before);
    expect(readdirSync(join(cwd, 'recipes'))).toEqual(['geo']);
  });

  it('refuses a requirements file that names an index, with exit 2 and nothing written', async () => {
    writeFileSync(join(cwd, 'requirements.txt'), '--extra-index-url https://pkgs.invalid/simple\nnumpy\n');
    const run = await runLayerforge(['init', '--from', 'requirements.txt', '--runtime', 'python3.12'], {
      cwd,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('requirements.txt:1: --extra-index-url');
    expect(run.stderr).toContain('--build-env PIP_INDEX_URL');
    expect(existsSync(join(cwd, 'recipes'))).toBe(false);
  });
});

describe('layerforge build with dependency inputs: bad input is exit 2 before any engine is asked', () => {
  const env = () => ({
    DOCKER_HOST: `unix://${join(cwd, 'no-docker.sock')}`,
    LAYERFORGE_CACHE_DIR: join(cwd, 'c'),
  });

  it.each([
    [['build', '--pip', 'numpy'], /which runtime/],
    [['build', '--pip', 'numpy', 'hello', '--runtime', 'python3.11'], /dependency files or recipe names/],
    [['build', '--pip', 'numpy', '--all', '--runtime', 'python3.11'], /dependency files or --all/],
    [['build', './nowhere', '--runtime', 'python3.11'], /does not exist|no dependency file|ENOENT/],
    [['build', '--npm', 'sharp@0.34.5', '--runtime', 'python3.11'], /not a nodejs runtime/],
  ])('%j', async (args, message) => {
    const run = await runLayerforge(args, { cwd, env: env() });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('says which file it used, then resolves the synthesized recipe', async () => {
    cpSync(join(examples, 'poetry-project'), join(cwd, 'svc'), { recursive: true });
    const run = await runLayerforge(
      ['build', './svc', '--runtime', 'python3.11', '--base', 'debian12', '--json'],
      {
        cwd,
        env: env(),
      },
    );
    expect(run.events).toContainEqual({
      type: 'info',
      message: 'dependencies from poetry.lock in svc (2 requirement(s), hash-pinned)',
    });
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'build.step.end',
        step: 'resolve',
        status: 'ok',
        detail: 'poetry-project@0.3.0 for python3.11 x86_64 on debian12',
      }),
    );
  });
});
