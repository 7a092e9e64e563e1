import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  cacheEntry,
  commitToCache,
  inputsDigest,
  isCached,
  type BuildInputs,
} from '../../../src/core/builder/cache.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let recipeDir: string;
let inputs: BuildInputs;

beforeEach(async () => {
  root = await tempDir('layerforge-cache-');
  recipeDir = join(root, 'recipe');
  await mkdir(join(recipeDir, 'patches'), { recursive: true });
  await writeFile(join(recipeDir, 'recipe.yaml'), 'name: demo\nversion: 1.0.0\n');
  await writeFile(join(recipeDir, 'build.sh'), '#!/bin/sh\nmake install\n', { mode: 0o755 });
  await writeFile(join(recipeDir, 'patches/fix.patch'), '--- a\n+++ b\n');
  await symlink('patches/fix.patch', join(recipeDir, 'current.patch'));
  inputs = {
    recipeDir,
    buildImage: 'sha256:build',
    runtimeImage: 'sha256:runtime',
    runtime: 'python3.12',
    arch: 'x86_64',
    base: 'lambda',
    options: { prune: 'safe', bytecode: 'pyc' },
  };
});

describe('inputsDigest', () => {
  it('is a sha256 hex digest, the same for the same inputs', async () => {
    const first = await inputsDigest(inputs);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await inputsDigest({ ...inputs })).toBe(first);
  });

  it('does not depend on the order options are given in', async () => {
    const reordered = { ...inputs, options: { bytecode: 'pyc', prune: 'safe' } };
    expect(await inputsDigest(reordered)).toBe(await inputsDigest(inputs));
  });

  it('holds the names of build-env variables, in any order, and none when none are given', async () => {
    const plain = await inputsDigest(inputs);
    expect(await inputsDigest({ ...inputs, buildEnvNames: [] })).toBe(plain);
    const withIndex = await inputsDigest({ ...inputs, buildEnvNames: ['PIP_INDEX_URL', 'TOKEN'] });
    expect(withIndex).not.toBe(plain);
    expect(await inputsDigest({ ...inputs, buildEnvNames: ['TOKEN', 'PIP_INDEX_URL'] })).toBe(withIndex);
  });

  it('does not change when only modification times change', async () => {
    const before = await inputsDigest(inputs);
    const past = new Date('2001-02-03T04:05:06Z');
    await utimes(join(recipeDir, 'build.sh'), past, past);
    await utimes(join(recipeDir, 'patches'), past, past);
    expect(await inputsDigest(inputs)).toBe(before);
  });

  it('changes when a recipe file’s content changes, even at the same size', async () => {
    const before = await inputsDigest(inputs);
    await writeFile(join(recipeDir, 'patches/fix.patch'), '--- x\n+++ y\n');
    expect(await inputsDigest(inputs)).not.toBe(before);
  });

  it('changes when a file is added to the recipe folder', async () => {
    const before = await inputsDigest(inputs);
    await writeFile(join(recipeDir, 'extra.txt'), '');
    expect(await inputsDigest(inputs)).not.toBe(before);
  });

  it('changes when the exec bit changes, but not for other mode bits', async () => {
    const before = await inputsDigest(inputs);
    await chmod(join(recipeDir, 'build.sh'), 0o750);
    expect(await inputsDigest(inputs)).toBe(before);
    await chmod(join(recipeDir, 'build.sh'), 0o644);
    expect(await inputsDigest(inputs)).not.toBe(before);
  });

  it('refuses a named pipe in the recipe folder instead of waiting on it for ever', async () => {
    const pipe = join(recipeDir, 'patches', 'debug.fifo');
    execFileSync('mkfifo', [pipe]);
    const refused = inputsDigest(inputs);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(
      `the recipe folder holds ${pipe}, which is a named pipe, not a file`,
    );
  });

  it('changes when a symlink’s target changes', async () => {
    const before = await inputsDigest(inputs);
    await unlink(join(recipeDir, 'current.patch'));
    await symlink('build.sh', join(recipeDir, 'current.patch'));
    expect(await inputsDigest(inputs)).not.toBe(before);
  });

  it.each([
    ['an option', { options: { prune: 'max', bytecode: 'pyc' } }],
    ['a new option', { options: { prune: 'safe', bytecode: 'pyc', test: true } }],
    ['the runtime', { runtime: 'python3.13' }],
    ['the arch', { arch: 'arm64' }],
    ['the base', { base: 'debian12' }],
    ['the build image', { buildImage: 'sha256:other' }],
    ['the runtime image', { runtimeImage: 'sha256:other' }],
  ] as const)('changes with %s', async (_what, change) => {
    expect(await inputsDigest({ ...inputs, ...change })).not.toBe(await inputsDigest(inputs));
  });
});

describe('cacheEntry', () => {
  it('files the zip under its own name in builds/<key>, with the manifest beside it', () => {
    expect(cacheEntry('/cache', 'abc', 'demo-1.0.0-python3.12-x86_64.zip')).toEqual({
      dir: '/cache/builds/abc',
      zip: '/cache/builds/abc/demo-1.0.0-python3.12-x86_64.zip',
      manifest: '/cache/builds/abc/demo-1.0.0-python3.12-x86_64.manifest.json',
    });
  });
});

describe('commitToCache', () => {
  const artifact = 'demo-1.0.0-python3.12-x86_64.zip';

  async function staging(name: string, content: string): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    await writeFile(join(dir, artifact), content);
    await writeFile(join(dir, 'demo-1.0.0-python3.12-x86_64.manifest.json'), `{"from":"${name}"}`);
    return dir;
  }

  it('moves a finished staging folder into place', async () => {
    const entry = cacheEntry(join(root, 'cache'), 'key1', artifact);
    const first = await staging('staging-a', 'zip A');
    expect(isCached(entry)).toBe(false);
    await commitToCache(first, entry);
    expect(isCached(entry)).toBe(true);
    expect(await readFile(entry.zip, 'utf8')).toBe('zip A');
    expect(existsSync(first)).toBe(false);
  });

  it('keeps the entry a concurrent build committed first, and drops its own staging folder', async () => {
    const entry = cacheEntry(join(root, 'cache'), 'key1', artifact);
    await commitToCache(await staging('staging-a', 'zip A'), entry);
    const second = await staging('staging-b', 'zip B');
    await commitToCache(second, entry);
    expect(await readFile(entry.zip, 'utf8')).toBe('zip A');
    expect(await readFile(entry.manifest, 'utf8')).toBe('{"from":"staging-a"}');
    expect(existsSync(second)).toBe(false);
    expect(await readdir(join(root, 'cache', 'builds'))).toEqual(['key1']);
  });

  it('fails, and leaves both folders, when what is in the way is not a finished entry', async () => {
    const entry = cacheEntry(join(root, 'cache'), 'key1', artifact);
    await mkdir(entry.dir, { recursive: true });
    await writeFile(join(entry.dir, 'partial'), 'half');
    const ours = await staging('staging-a', 'zip A');
    await expect(commitToCache(ours, entry)).rejects.toMatchObject({
      code: expect.stringMatching(/ENOTEMPTY|EEXIST/),
    });
    expect(existsSync(ours)).toBe(true);
    expect(await readdir(entry.dir)).toEqual(['partial']);
  });
});
