import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadBaseImage, type LoadedBaseImage } from '../../../src/core/base-images/definition.js';
import { baseDigest, resolveBase } from '../../../src/core/base-images/resolve.js';
import { UserError } from '../../../src/core/errors.js';
import { bundledBaseImagesDir } from '../../../src/core/paths.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let copy: LoadedBaseImage;

beforeEach(async () => {
  // A copy of the bundled stand-in, so its files can change without touching the real one.
  root = await tempDir('layerforge-base-');
  await cp(join(bundledBaseImagesDir, 'debian12'), join(root, 'debian12'), { recursive: true });
  copy = await loadBaseImage('debian12', root);
});

async function append(name: string, text: string): Promise<void> {
  await writeFile(join(copy.dir, name), text, { flag: 'a' });
}

describe('baseDigest', () => {
  it('is stable for the same files', async () => {
    const digest = await baseDigest(copy, 'x86_64');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await baseDigest(await loadBaseImage('debian12', root), 'x86_64')).toBe(digest);
  });

  it('differs per arch', async () => {
    expect(await baseDigest(copy, 'arm64')).not.toBe(await baseDigest(copy, 'x86_64'));
  });

  it.each([['base.yaml'], ['build.Dockerfile'], ['runtime.Dockerfile']])(
    'changes when %s changes',
    async (name) => {
      const before = await baseDigest(copy, 'x86_64');
      await append(name, '\n# a change\n');
      expect(await baseDigest(copy, 'x86_64')).not.toBe(before);
    },
  );

  it('does not change for a file the definition does not name', async () => {
    const before = await baseDigest(copy, 'x86_64');
    await writeFile(join(copy.dir, 'NOTES.md'), 'unrelated\n');
    await writeFile(join(copy.dir, 'experiment.Dockerfile'), 'FROM scratch\n');
    expect(await baseDigest(copy, 'x86_64')).toBe(before);
  });
});

describe('resolveBase', () => {
  it('resolves AWS’s per-arch tags and each build image’s package manager', async () => {
    const lambda = await loadBaseImage('lambda');
    const runtime = getRuntime('python3.12');
    expect(await resolveBase(lambda, runtime, 'arm64')).toMatchObject({
      name: 'lambda',
      standIn: false,
      os: runtime.os,
      packageManager: 'dnf',
      buildImage: 'public.ecr.aws/sam/build-python3.12:latest-arm64',
      runtimeImage: 'public.ecr.aws/lambda/python:3.12-arm64',
      platform: 'linux/arm64',
      arch: 'arm64',
    });
    const x86 = await resolveBase(lambda, runtime, 'x86_64');
    expect([x86.buildImage, x86.runtimeImage]).toEqual([
      'public.ecr.aws/sam/build-python3.12:latest-x86_64',
      'public.ecr.aws/lambda/python:3.12-x86_64',
    ]);
    expect((await resolveBase(lambda, getRuntime('python3.11'), 'x86_64')).packageManager).toBe('yum');
    // sam/build-provided.al2023 is provided:al2023 plus packages: microdnf, not dnf.
    const provided = await resolveBase(lambda, getRuntime('provided.al2023'), 'arm64');
    expect(provided).toMatchObject({
      packageManager: 'microdnf',
      runtimeImage: 'public.ecr.aws/lambda/provided:al2023-arm64',
      buildImage: 'public.ecr.aws/sam/build-provided.al2023:latest-arm64',
    });
  });

  it('names the stand-in’s images after its digest and arch, and builds on its own OS', async () => {
    const base = await resolveBase(copy, getRuntime('python3.11'), 'arm64');
    const digest = (await baseDigest(copy, 'arm64')).slice(0, 16);
    expect(base).toMatchObject({
      name: 'debian12',
      standIn: true,
      os: { id: 'debian12', glibc: '2.36' },
      packageManager: 'apt',
      buildImage: `layerforge/debian12-build:${digest}-arm64`,
      runtimeImage: `layerforge/debian12-runtime:${digest}-arm64`,
      platform: 'linux/arm64',
    });
  });

  it('refuses a runtime the stand-in cannot serve, naming the ones it does', async () => {
    const error = await resolveBase(copy, getRuntime('python3.12'), 'x86_64').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('base debian12 cannot stand in for python3.12');
    expect((error as UserError).hint).toContain('it serves python3.11, provided.al2, provided.al2023');
    expect((error as UserError).hint).toContain('Python 3.11');
  });

  it('refuses an arch the base has no images for', async () => {
    const x86Only = { ...copy, definition: { ...copy.definition, architectures: ['x86_64' as const] } };
    const error = await resolveBase(x86Only, getRuntime('python3.11'), 'arm64').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('base debian12 has no arm64 images');
    expect((error as UserError).hint).toBe('it supports x86_64');
  });
});
