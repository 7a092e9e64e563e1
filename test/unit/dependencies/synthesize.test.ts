import { cpSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputsDigest } from '../../../src/core/builder/cache.js';
import { prepareDependencyRecipe, resolveMaxAgeMs } from '../../../src/core/dependencies/index.js';
import { recipeNameFrom } from '../../../src/core/dependencies/recipe-name.js';
import { runtimeFromRequiresPython, synthesizeRecipe } from '../../../src/core/dependencies/synthesize.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { tempDir } from '../../support/temp-dir.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');
const HASH = 'a'.repeat(64);

async function project(files: Record<string, string>, name = 'svc'): Promise<{ cwd: string; dir: string }> {
  const cwd = await tempDir('layerforge-deps-');
  const dir = join(cwd, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return { cwd, dir };
}

describe('synthesizeRecipe: a project folder', () => {
  it('reads uv.lock before pyproject.toml and requirements.txt, and says so', async () => {
    const cwd = await tempDir('layerforge-deps-');
    cpSync(join(examples, 'uv-project'), join(cwd, 'svc'), { recursive: true });
    await writeFile(join(cwd, 'svc', 'requirements.txt'), 'numpy\n');
    const synth = await synthesizeRecipe({ project: './svc' }, cwd);
    expect(synth.from).toBe('uv.lock in svc (6 requirement(s), hash-pinned)');
    expect(synth.pinned).toBe(true);
    expect(synth.recipe).toMatchObject({
      name: 'uv-project',
      version: '1.2.0',
      // requires-python "==3.11.*" names one runtime.
      runtimes: ['python3.11'],
      install: { python: { binaryOnly: false } },
      checkImports: { skip: [] },
    });
    const requirements = synth.recipe.install.python?.requirements ?? [];
    expect(requirements[1]).toMatch(/^orjson==3\.10\.18 --hash=sha256:[0-9a-f]{64}/);
  });

  it.each([['poetry.lock', 'poetry-project']])('reads %s from a real project', async (file, example) => {
    const synth = await synthesizeRecipe(
      { project: join(examples, example), runtimes: ['python3.11'] },
      examples,
    );
    expect(synth.from).toBe(`${file} in ${example} (2 requirement(s), hash-pinned)`);
    expect(synth.recipe.name).toBe('poetry-project');
    expect(synth.recipe.version).toBe('0.3.0');
  });

  it('reads requirements.txt when there is no lock, named after the folder, version 0.0.0', async () => {
    const { cwd } = await project({ 'requirements.txt': 'numpy==2.2.6\n' }, 'My_Service');
    const synth = await synthesizeRecipe({ project: 'My_Service', runtimes: ['python3.11'] }, cwd);
    expect(synth.recipe).toMatchObject({ name: 'my-service', version: '0.0.0' });
    expect(synth.pinned).toBe(false);
  });

  it('copies package.json and package-lock.json into a node project', async () => {
    const pkg = JSON.stringify({ name: '@acme/thumbs', version: '2.0.1', dependencies: { sharp: '0.34.5' } });
    const { cwd } = await project({ 'package.json': pkg, 'package-lock.json': '{"lockfileVersion":3}' });
    const synth = await synthesizeRecipe({ project: './svc', runtimes: ['nodejs22.x'] }, cwd);
    expect(synth.recipe).toMatchObject({
      name: 'thumbs',
      version: '2.0.1',
      install: { node: { project: 'project' } },
    });
    expect(synth.files).toEqual({
      'project/package.json': pkg,
      'project/package-lock.json': '{"lockfileVersion":3}',
    });
    expect(synth.from).toBe('package-lock.json in svc (package.json, pinned)');
  });

  it('refuses a folder with no dependency file', async () => {
    const { cwd } = await project({ 'README.md': 'hi' });
    await expect(synthesizeRecipe({ project: './svc', runtimes: ['python3.11'] }, cwd)).rejects.toThrow(
      /holds no dependency file/,
    );
  });
});

describe('synthesizeRecipe: flags', () => {
  it('--pip and --npm make packages; --skip-import goes to checkImports', async () => {
    const cwd = await tempDir('layerforge-deps-');
    const python = await synthesizeRecipe(
      { pip: ['pillow>=11', 'numpy==2.2.6'], runtimes: ['python3.12'], skipImports: ['PIL'] },
      cwd,
    );
    expect(python.recipe).toMatchObject({
      name: 'python-dependencies',
      install: { python: { requirements: ['pillow>=11', 'numpy==2.2.6'] } },
      checkImports: { skip: ['PIL'] },
    });
    const node = await synthesizeRecipe(
      { npm: ['sharp@0.34.5'], runtimes: ['nodejs22.x'], name: 'img' },
      cwd,
    );
    expect(node.recipe).toMatchObject({ name: 'img', install: { node: { packages: ['sharp@0.34.5'] } } });
    expect(node.pinned).toBe(true);
  });

  it.each([
    [{ pip: ['numpy'] }, /which runtime/],
    [{ pip: ['numpy'], runtimes: ['nodejs22.x'] }, /not a python runtime/],
    [{ pip: ['numpy'], npm: ['sharp'], runtimes: ['python3.11'] }, /Python and npm/],
    [{ pip: ['numpy'], runtimes: ['python3.11'], name: 'Bad Name' }, /not a valid recipe name/],
    [
      { pip: [`six==1.17.0 --hash=sha256:${HASH}`, 'numpy'], runtimes: ['python3.11'] },
      /carry --hash and numpy/,
    ],
    [{ pip: ['--index-url=https://x.invalid/simple'], runtimes: ['python3.11'] }, /not accepted/],
  ])('refuses %j', async (inputs, message) => {
    const cwd = await tempDir('layerforge-deps-');
    await expect(synthesizeRecipe(inputs, cwd)).rejects.toThrow(message);
  });
});

describe('the synthesized recipe folder', () => {
  it('is a valid recipe whose digest is the same for the same lock file (a cache hit)', async () => {
    const events: LayerforgeEvent[] = [];
    const sink = (e: LayerforgeEvent) => events.push(e);
    const inputs = { project: join(examples, 'uv-project') };
    const a = await prepareDependencyRecipe(inputs, { cwd: examples, sink });
    const b = await prepareDependencyRecipe(inputs, { cwd: examples, sink });
    try {
      expect(a.loaded.dir).not.toBe(b.loaded.dir);
      expect(a.spec).toBe('uv-project@1.2.0');
      const digest = (dir: string) =>
        inputsDigest({
          recipeDir: dir,
          buildImage: 'b',
          runtimeImage: 'r',
          runtime: 'python3.11',
          arch: 'x86_64',
          base: 'debian12',
          options: {},
        });
      expect(await digest(a.loaded.dir)).toBe(await digest(b.loaded.dir));
      expect(events).toContainEqual({
        type: 'info',
        message: 'dependencies from uv.lock in uv-project (6 requirement(s), hash-pinned)',
      });
      expect(readFileSync(join(a.loaded.dir, 'recipe.yaml'), 'utf8')).toContain('name: uv-project');
    } finally {
      await a.remove();
      await b.remove();
    }
  });

  it('goes stale only when unpinned: after maxAgeHours, or at once with --refresh', async () => {
    const cwd = await tempDir('layerforge-deps-');
    const unpinned = await synthesizeRecipe({ pip: ['numpy'], runtimes: ['python3.11'] }, cwd);
    const locked = await synthesizeRecipe({ project: join(examples, 'uv-project') }, examples);
    expect(resolveMaxAgeMs(unpinned, 24, false)).toBe(24 * 3_600_000);
    expect(resolveMaxAgeMs(unpinned, 24, true)).toBe(0);
    expect(resolveMaxAgeMs(locked, 24, true)).toBeUndefined();
  });
});

describe('names and runtimes', () => {
  it.each([
    ['My_Service', 'my-service'],
    ['@acme/x', 'acme-x'],
    ['---', 'layer'],
    ['a'.repeat(80), 'a'.repeat(63)],
  ])('%s → %s', (raw, name) => expect(recipeNameFrom(raw)).toBe(name));

  it.each([
    ['==3.11.*', 'python3.11'],
    ['>=3.12,<3.13', 'python3.12'],
    ['>=3.11', undefined],
    [undefined, undefined],
  ])('requires-python %s → %s', (spec, runtime) => expect(runtimeFromRequiresPython(spec)).toBe(runtime));
});
