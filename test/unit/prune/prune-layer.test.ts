import { copyFile, mkdir, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordEvents } from '../../../src/core/events.js';
import type { BuildImageRunner } from '../../../src/core/prune/build-image-run.js';
import { pruneStagedLayer, type PruneStagedLayerInput } from '../../../src/core/prune/prune-layer.js';
import { testJob } from '../../support/job-context.js';
import { pythonRecipe } from '../../support/python-recipe.js';
import { tempDir } from '../../support/temp-dir.js';

let work: string;
let staging: string;

const recipeWith = pythonRecipe;

const smoke = [{ name: 'imports', run: 'python3 -c "import pkg"' }];

/**
 * Stands in for strip in the build image: halves every listed file. The real one runs in
 * the integration tests; this one lets the bookkeeping around it be checked here.
 */
const halvingStrip: BuildImageRunner = async (_script, options) => {
  const listDir = options.mounts?.[0]?.hostPath ?? '';
  const list = (await readFile(join(listDir, 'strip-list'), 'utf8')).split('\n').filter(Boolean);
  for (const path of list) {
    const local = join(staging, path.replace(/^\/opt\//, ''));
    await truncate(local, Math.floor((await stat(local)).size / 2));
  }
  return { exitCode: 0, output: [] };
};

async function tree(files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await writeFile(join(staging, path), content);
  }
}

async function listTree(dir = staging, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(join(dir, entry.name), `${rel}/`)));
    else out.push(rel);
  }
  return out.sort();
}

function input(extra: Partial<PruneStagedLayerInput>): PruneStagedLayerInput {
  return {
    staging,
    sideDir: join(work, 'side'),
    recipe: recipeWith({ tests: smoke }),
    arch: 'x86_64',
    profile: 'safe',
    bytecode: { mode: 'pyc', cacheTag: 'cpython-311' },
    runInBuildImage: halvingStrip,
    test: async () => ({ ok: true, failed: [], details: [] }),
    ...extra,
  };
}

beforeEach(async () => {
  work = await tempDir('layerforge-prune-');
  staging = join(work, 'opt');
  await tree({
    'python/pkg/__init__.py': 'import pkg.core\n',
    'python/pkg/core.py': 'x = 1\n',
    'python/pkg/tests/test_core.py': 'def test(): pass\n',
    'python/pkg-1.0.dist-info/METADATA': 'Name: pkg\n',
    'python/pkg.libs/libvendored.so': await readFile('/bin/true'),
    'share/doc/pkg/README': 'read me',
    'lib/libfoo.a': 'static archive',
  });
  await copyFile('/bin/true', join(staging, 'bin-tool'));
});

describe('pruneStagedLayer', () => {
  it('applies the safe rules, strips ELF files outside *.libs/, and reports bytes per rule', async () => {
    const { sink, events } = recordEvents();
    const elf = (await stat('/bin/true')).size;
    const records = await pruneStagedLayer(input({}), testJob({ sink }));
    expect(records).toEqual([
      { rule: 'docs', bytesSaved: 7, reverted: false },
      { rule: 'static-libraries', bytesSaved: 14, reverted: false },
      { rule: 'python-tests', bytesSaved: 17, reverted: false },
      { rule: 'strip', bytesSaved: elf - Math.floor(elf / 2), reverted: false },
    ]);
    expect(events.filter((e) => e.type === 'prune.rule')).toEqual(
      records.map((r) => ({ type: 'prune.rule', ...r })),
    );
    expect(await listTree()).toEqual([
      'bin-tool',
      'python/pkg-1.0.dist-info/METADATA',
      'python/pkg.libs/libvendored.so',
      'python/pkg/__init__.py',
      'python/pkg/core.py',
    ]);
    // The vendored library is untouched; the tool is the stripped copy.
    expect((await stat(join(staging, 'python/pkg.libs/libvendored.so'))).size).toBe(elf);
    expect((await stat(join(staging, 'bin-tool'))).size).toBe(Math.floor(elf / 2));
    // Empty folders the rules left are gone; the side folder is the caller's to remove.
    expect(existsSync(join(staging, 'share'))).toBe(false);
  });

  it('reverts the rule that breaks a smoke test: its files come back byte for byte', async () => {
    const { sink, events } = recordEvents();
    const test = async () => {
      const ok = existsSync(join(staging, 'share/doc/pkg/README'));
      return { ok, failed: ok ? [] : ['reads its README'], details: [] };
    };
    const records = await pruneStagedLayer(input({ test }), testJob({ sink }));
    expect(records.find((r) => r.rule === 'docs')).toEqual({ rule: 'docs', bytesSaved: 0, reverted: true });
    expect(records.filter((r) => r.reverted)).toHaveLength(1);
    expect(await readFile(join(staging, 'share/doc/pkg/README'), 'utf8')).toBe('read me');
    expect(existsSync(join(staging, 'python/pkg/tests'))).toBe(false);
    expect(events).toContainEqual({
      type: 'info',
      message: 'prune: reverting docs: the smoke tests fail with it applied',
    });
  });

  it('restores the original ELF file when strip is the culprit', async () => {
    const original = await readFile(join(staging, 'bin-tool'));
    const test = async () => {
      const ok = (await stat(join(staging, 'bin-tool'))).size === original.length;
      return { ok, failed: ok ? [] : ['checks itself'], details: [] };
    };
    const records = await pruneStagedLayer(input({ test }), testJob());
    expect(records.find((r) => r.rule === 'strip')?.reverted).toBe(true);
    expect((await readFile(join(staging, 'bin-tool'))).equals(original)).toBe(true);
  });

  it('without smoke tests applies only the import-safe rules, and says which it skipped', async () => {
    const { sink, events } = recordEvents();
    let ran = 0;
    const records = await pruneStagedLayer(
      input({ recipe: recipeWith({}), test: async () => (ran++, { ok: true, failed: [], details: [] }) }),
      testJob({ sink }),
    );
    expect(records.map((r) => r.rule)).toEqual(['docs', 'static-libraries']);
    expect(ran).toBe(0);
    expect(existsSync(join(staging, 'python/pkg/tests/test_core.py'))).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'prune-untested',
        message: expect.stringMatching(/skipped: python-tests, strip/),
      }),
    );
  });

  it("honours the recipe's skip list, protect globs and own remove globs", async () => {
    const recipe = recipeWith({
      tests: smoke,
      prune: { remove: ['python/pkg/core.py'], protect: ['share/doc/**'], skip: ['strip'] },
    });
    const records = await pruneStagedLayer(input({ recipe }), testJob());
    expect(records.map((r) => r.rule)).toEqual([
      'remove python/pkg/core.py',
      'static-libraries',
      'python-tests',
    ]);
    expect(existsSync(join(staging, 'share/doc/pkg/README'))).toBe(true);
  });

  it('with --prune none applies only the recipe globs', async () => {
    const recipe = recipeWith({ tests: smoke, prune: { remove: ['lib/*.a'] } });
    const records = await pruneStagedLayer(input({ recipe, profile: 'none' }), testJob());
    expect(records).toEqual([{ rule: 'remove lib/*.a', bytesSaved: 14, reverted: false }]);
  });

  it('with pyc-only moves each compiled module beside its package in place of the source, and can undo it', async () => {
    await tree({
      'python/pkg/__pycache__/__init__.cpython-311.pyc': 'bytecode of __init__',
      'python/pkg/__pycache__/core.cpython-311.pyc': 'bytecode of core',
      'python/pkg/__pycache__/core.cpython-312.pyc': 'another Python',
    });
    const recipe = recipeWith({ tests: smoke, prune: { skip: ['strip'] } });
    let sourcesBack = false;
    const test = async () => {
      // A test that needs core.py as a file: the rule must be reverted, and everything put back.
      sourcesBack = existsSync(join(staging, 'python/pkg/core.py'));
      return { ok: sourcesBack, failed: sourcesBack ? [] : ['reads core.py'], details: [] };
    };
    const bytecode = { mode: 'pyc-only', cacheTag: 'cpython-311' } as const;
    const applied = await pruneStagedLayer(input({ recipe, bytecode }), testJob());
    expect(applied.at(-1)).toEqual({ rule: 'sources-as-bytecode', bytesSaved: 22, reverted: false });
    expect(await listTree()).toEqual([
      'bin-tool',
      'python/pkg-1.0.dist-info/METADATA',
      'python/pkg.libs/libvendored.so',
      'python/pkg/__init__.pyc',
      'python/pkg/__pycache__/core.cpython-312.pyc',
      'python/pkg/core.pyc',
    ]);
    expect(await readFile(join(staging, 'python/pkg/core.pyc'), 'utf8')).toBe('bytecode of core');

    await rm(staging, { recursive: true });
    await rm(join(work, 'side'), { recursive: true });
    await tree({
      'python/pkg/__init__.py': 'import pkg.core\n',
      'python/pkg/core.py': 'x = 1\n',
      'python/pkg/__pycache__/__init__.cpython-311.pyc': 'bytecode of __init__',
      'python/pkg/__pycache__/core.cpython-311.pyc': 'bytecode of core',
    });
    const reverted = await pruneStagedLayer(input({ recipe, bytecode, test }), testJob());
    expect(reverted).toEqual([{ rule: 'sources-as-bytecode', bytesSaved: 0, reverted: true }]);
    expect(sourcesBack).toBe(true);
    expect(await listTree()).toEqual([
      'python/pkg/__init__.py',
      'python/pkg/__pycache__/__init__.cpython-311.pyc',
      'python/pkg/__pycache__/core.cpython-311.pyc',
      'python/pkg/core.py',
    ]);
  });
});
