import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge, snapshotTree } from './cli-harness.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

describe('layerforge init', () => {
  it('scaffolds recipes/<name>/recipe.yaml that `show` then finds without --recipes', async () => {
    const init = await runLayerforge(['init', 'my-layer'], { cwd });
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toBe(
      'created recipes/my-layer/recipe.yaml\nnext: edit it, then `layerforge show my-layer`\n',
    );

    const show = await runLayerforge(['show', 'my-layer'], { cwd });
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n')[0]).toBe('my-layer 0.1.0: my-layer for AWS Lambda');
    expect(show.stdout).toContain('python: my-layer');
  });

  it('the scaffolded recipe is found by list and by build without --recipes', async () => {
    await runLayerforge(['init', 'my-layer'], { cwd });
    const list = await runLayerforge(['list', '--json'], { cwd });
    expect(list.code).toBe(0);
    const listed = (JSON.parse(list.stdout) as { recipes: { name: string; dir: string }[] }).recipes;
    expect(listed).toContainEqual(
      expect.objectContaining({ name: 'my-layer', dir: join(cwd, 'recipes', 'my-layer') }),
    );
    // No engine here: the build stops at the base image, after resolving the recipe.
    const env = {
      DOCKER_HOST: `unix://${join(cwd, 'no-docker.sock')}`,
      LAYERFORGE_CACHE_DIR: join(cwd, 'c'),
    };
    const build = await runLayerforge(['build', 'my-layer', '--json'], { cwd, env });
    expect(build.events).toContainEqual(
      expect.objectContaining({ type: 'build.step.end', step: 'resolve', status: 'ok' }),
    );
    const resolved = build.events.find((e) => e.type === 'build.step.end' && e.step === 'resolve');
    expect(resolved).toMatchObject({ detail: expect.stringMatching(/^my-layer@0\.1\.0 for /) as unknown });
  });

  it('./recipes comes after --recipes in the search order', async () => {
    await runLayerforge(['init', 'my-layer'], { cwd });
    await runLayerforge(['init', 'my-layer', '--dir', 'other'], { cwd });
    const flagged = await runLayerforge(['show', 'my-layer', '--recipes', 'other', '--json'], { cwd });
    expect(JSON.parse(flagged.stdout)).toMatchObject({ dir: join(cwd, 'other', 'my-layer') });
    const plain = await runLayerforge(['show', 'my-layer', '--json'], { cwd });
    expect(JSON.parse(plain.stdout)).toMatchObject({ dir: join(cwd, 'recipes', 'my-layer') });
  });

  it('names the folder in its next step when it is not ./recipes', async () => {
    const run = await runLayerforge(['init', 'geo', '--dir', 'layers'], { cwd });
    expect(run.stdout).toBe(
      'created layers/geo/recipe.yaml\nnext: edit it, then `layerforge show geo --recipes layers`\n',
    );
    expect((await runLayerforge(['show', 'geo'], { cwd })).code).toBe(2);
    expect((await runLayerforge(['show', 'geo', '--recipes', 'layers'], { cwd })).code).toBe(0);
  });

  it('references the committed JSON Schema by a path relative to the recipe', async () => {
    await runLayerforge(['init', 'my-layer'], { cwd });
    const dir = join(cwd, 'recipes', 'my-layer');
    const first = readFileSync(join(dir, 'recipe.yaml'), 'utf8').split('\n')[0] ?? '';
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(match?.[1]?.startsWith('/')).toBe(false);
    expect(resolve(dir, match?.[1] ?? '')).toBe(join(packageRoot, 'schema', 'recipe.schema.json'));
    expect(existsSync(resolve(dir, match?.[1] ?? ''))).toBe(true);
  });

  it('writes under --dir, and prints paths under --json', async () => {
    const run = await runLayerforge(['init', 'geo', '--dir', 'layers', '--json'], { cwd });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      dir: join(cwd, 'layers', 'geo'),
      file: join(cwd, 'layers', 'geo', 'recipe.yaml'),
    });
    expect(existsSync(join(cwd, 'layers', 'geo', 'recipe.yaml'))).toBe(true);
  });

  it('exits 2 the second time and leaves the first recipe untouched', async () => {
    await runLayerforge(['init', 'my-layer'], { cwd });
    const before = await snapshotTree(cwd);
    const again = await runLayerforge(['init', 'my-layer'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(
      `error: ${join(cwd, 'recipes', 'my-layer')} already exists\nhint: pick another name, or edit that recipe\n`,
    );
    expect(await snapshotTree(cwd)).toEqual(before);
  });

  it.each(['My-Layer', 'my_layer', 'layer.v2', 'a/b'])(
    'exits 2 on the invalid name %j and creates nothing',
    async (name) => {
      const run = await runLayerforge(['init', name], { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `error: "${name}" is not a valid recipe name\n` +
          'hint: use lowercase letters, digits and dashes, starting with a letter or digit (at most 63)\n',
      );
      expect(await snapshotTree(cwd)).toEqual([]);
    },
  );

  it('exits 2 without a name', async () => {
    const run = await runLayerforge(['init'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "error: missing required argument 'name'\nhint: give a name (`layerforge init my-layer`), or --from requirements.txt\n",
    );
    expect(await snapshotTree(cwd)).toEqual([]);
  });
});
