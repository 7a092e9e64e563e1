import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  artifactName,
  manifestRecipe,
  resolveBuildTarget,
} from '../../../src/core/builder/resolve-target.js';
import type { BuildLayerOptions } from '../../../src/core/builder/types.js';
import { ExitCode, JobFailedError, UserError } from '../../../src/core/errors.js';
import { handBase } from './helpers.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/recipes-build');

const shared = sharedTempDir('layerforge-target-');
let ownRecipes: string;
beforeAll(async () => {
  // A recipe with Python requirements that also lists a provided runtime.
  ownRecipes = shared.path;
  await mkdir(join(ownRecipes, 'py-mixed'));
  await writeFile(
    join(ownRecipes, 'py-mixed', 'recipe.yaml'),
    [
      'name: py-mixed',
      'version: 0.4.0',
      'summary: python requirements plus a provided runtime',
      'license: MIT',
      'homepage: https://example.com/py-mixed',
      'runtimes: [python3.12, provided.al2023]',
      'architectures: [x86_64, arm64]',
      'install:',
      '  python:',
      '    requirements: [msgpack==1.1.0]',
      '',
    ].join('\n'),
  );
  // npm packages, listed for a nodejs runtime and (wrongly) a python one.
  await mkdir(join(ownRecipes, 'node-mixed'));
  await writeFile(
    join(ownRecipes, 'node-mixed', 'recipe.yaml'),
    [
      'name: node-mixed',
      'version: 1.0.0',
      'summary: npm packages plus a python runtime',
      'license: MIT',
      'homepage: https://example.com/node-mixed',
      'runtimes: [nodejs22.x, nodejs24.x, python3.11]',
      'architectures: [x86_64, arm64]',
      'install:',
      '  node:',
      '    packages: [sharp@0.34.5]',
      '',
    ].join('\n'),
  );
  // A recipe whose OS packages give a different version per OS (say, OpenSSL).
  await mkdir(join(ownRecipes, 'per-os'));
  await writeFile(
    join(ownRecipes, 'per-os', 'recipe.yaml'),
    [
      'name: per-os',
      'version: 3.0.0',
      'summary: an OS package whose version differs per OS',
      'license: Apache-2.0',
      'homepage: https://example.com/per-os',
      "osVersions: { al2: '1.1.1', al2023: 3.2.2 }",
      'runtimes: [provided.al2023, provided.al2, python3.11]',
      'architectures: [x86_64]',
      'install:',
      '  packages: { al2023: [openssl], al2: [openssl11], debian12: [openssl] }',
      '',
    ].join('\n'),
  );
});

function resolve(options: Partial<BuildLayerOptions> & { recipe: string }, env: NodeJS.ProcessEnv = {}) {
  return resolveBuildTarget({ recipeDirs: [FIXTURES, ownRecipes], ...options }, { cwd: process.cwd(), env });
}

/** The UserError a promise rejects with; fails the test when it resolves or throws anything else. */
async function userError(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(error).not.toBeInstanceOf(JobFailedError);
  expect((error as UserError).exitCode).toBe(ExitCode.badInput);
  return error as UserError;
}

describe('resolveBuildTarget', () => {
  it('takes a recipe whose source is on loopback only with allowLocalSources (--allow-local-sources)', async () => {
    const refused = await userError(resolve({ recipe: 'bad-checksum' }));
    expect(refused.message).toContain('install.sources[0].url: the URL points at this machine (loopback)');
    const target = await resolve({ recipe: 'bad-checksum', allowLocalSources: true });
    expect(target.loaded.recipe.install.sources?.[0]?.url).toBe('http://127.0.0.1:9/hello-1.0.0.tar.gz');
  });

  it('defaults to the recipe’s first runtime, x86_64 and the official images', async () => {
    const target = await resolve({ recipe: 'flaky' });
    expect(target.loaded.recipe.name).toBe('flaky');
    expect(target.runtime.id).toBe('provided.al2023');
    expect(target.arch).toBe('x86_64');
    expect(target.base).toMatchObject({
      name: 'lambda',
      standIn: false,
      os: { id: 'al2023', glibc: '2.34' },
      packageManager: 'microdnf',
      buildImage: 'public.ecr.aws/sam/build-provided.al2023:latest-x86_64',
      runtimeImage: 'public.ecr.aws/lambda/provided:al2023-x86_64',
      platform: 'linux/amd64',
    });
  });

  it('takes the runtime and arch asked for', async () => {
    const target = await resolve({ recipe: 'flaky', runtime: 'provided.al2', arch: 'arm64' });
    expect(target.runtime.id).toBe('provided.al2');
    expect(target.base).toMatchObject({ os: { id: 'al2' }, packageManager: 'yum', platform: 'linux/arm64' });
  });

  it('reads the base from LAYERFORGE_BASE, and --base wins over it', async () => {
    const fromEnv = await resolve({ recipe: 'flaky' }, { LAYERFORGE_BASE: 'debian12' });
    expect(fromEnv.base).toMatchObject({ name: 'debian12', standIn: true, os: { id: 'debian12' } });
    const fromOption = await resolve({ recipe: 'flaky', base: 'lambda' }, { LAYERFORGE_BASE: 'debian12' });
    expect(fromOption.base.name).toBe('lambda');
  });

  it('builds on a base the caller already resolved, reading neither --base nor LAYERFORGE_BASE', async () => {
    // A hand-written pair: no definition of that name exists, so resolving by name would fail.
    const given = handBase('al2023');
    const target = await resolve(
      { recipe: 'flaky', base: 'debian12', resolvedBase: given },
      { LAYERFORGE_BASE: 'debian12' },
    );
    expect(target.base).toBe(given);
    await expect(resolve({ recipe: 'flaky', arch: 'arm64', resolvedBase: given })).rejects.toThrow(
      'base hand-al2023 was resolved for x86_64, not arm64',
    );
  });

  it('refuses a runtime the recipe does not support', async () => {
    const error = await userError(resolve({ recipe: 'slow', runtime: 'python3.12' }));
    expect(error.message).toBe('recipe slow does not support python3.12');
    expect(error.hint).toBe('it supports provided.al2023');
  });

  it('refuses a runtime id Lambda does not have', async () => {
    const error = await userError(resolve({ recipe: 'slow', runtime: 'python3.99' }));
    expect(error.message).toBe('unknown Lambda runtime "python3.99"');
  });

  it('refuses an arch the recipe does not support', async () => {
    const error = await userError(resolve({ recipe: 'slow', arch: 'arm64' }));
    expect(error.message).toBe('recipe slow does not support arm64');
    expect(error.hint).toBe('it supports x86_64');
  });

  it('refuses Python requirements for a provided runtime, pointing at the python ones', async () => {
    const error = await userError(resolve({ recipe: 'py-mixed', runtime: 'provided.al2023' }));
    expect(error.message).toBe(
      'recipe py-mixed installs Python packages, which need a python runtime, not provided.al2023',
    );
    expect(error.hint).toBe('pick one of python3.12');
  });

  it('refuses npm packages for a runtime that is not nodejs, pointing at the nodejs ones', async () => {
    const error = await userError(resolve({ recipe: 'node-mixed', runtime: 'python3.11' }));
    expect(error.message).toBe(
      'recipe node-mixed installs npm packages, which need a nodejs runtime, not python3.11',
    );
    expect(error.hint).toBe('pick one of nodejs22.x, nodejs24.x');
  });

  it('takes npm packages for a nodejs runtime, on the stand-in too', async () => {
    const target = await resolve({ recipe: 'node-mixed', runtime: 'nodejs24.x', base: 'debian12' });
    expect(target.runtime.id).toBe('nodejs24.x');
    expect(target.base.buildImage).toMatch(/^layerforge\/debian12-nodejs24-build:[0-9a-f]{16}-x86_64$/);
    expect(target.base.nodejs?.release.node.version).toMatch(/^24\./);
  });

  it('refuses an unknown base, listing the known ones', async () => {
    const error = await userError(resolve({ recipe: 'flaky', base: 'alpine' }));
    expect(error.message).toBe('unknown base image "alpine"');
    expect(error.hint).toContain('debian12');
    expect(error.hint).toContain('lambda');
  });

  it('refuses a stand-in base that cannot serve the runtime', async () => {
    const error = await userError(resolve({ recipe: 'py-mixed', base: 'debian12' }));
    expect(error.message).toBe('base debian12 cannot stand in for python3.12');
  });

  it('refuses an unknown recipe', async () => {
    const error = await userError(resolve({ recipe: 'no-such-recipe-here' }));
    expect(error.message).toBe('no recipe named "no-such-recipe-here"');
  });
});

describe('artifactName', () => {
  it('names the zip after recipe, version, runtime and arch', async () => {
    expect(artifactName(await resolve({ recipe: 'flaky', runtime: 'provided.al2', arch: 'arm64' }))).toBe(
      'flaky-1.0.0-provided.al2-arm64.zip',
    );
    expect(artifactName(await resolve({ recipe: 'py-native', base: 'debian12' }))).toBe(
      'py-native-1.0.0-python3.11-x86_64.zip',
    );
  });
});

describe('manifestRecipe', () => {
  it('records the version the build OS gets, from osVersions', async () => {
    expect(manifestRecipe(await resolve({ recipe: 'per-os', runtime: 'provided.al2023' }))).toEqual({
      name: 'per-os',
      version: '3.0.0',
      license: 'Apache-2.0',
      osVersion: '3.2.2',
    });
    expect(manifestRecipe(await resolve({ recipe: 'per-os', runtime: 'provided.al2' })).osVersion).toBe(
      '1.1.1',
    );
  });

  it('leaves osVersion out for an OS the recipe gives none for, and for a recipe without osVersions', async () => {
    // debian12 stands in for python3.11 here; the recipe names no debian12 version.
    const standIn = manifestRecipe(
      await resolve({ recipe: 'per-os', runtime: 'python3.11', base: 'debian12' }),
    );
    expect(standIn).toEqual({ name: 'per-os', version: '3.0.0', license: 'Apache-2.0' });
    expect('osVersion' in manifestRecipe(await resolve({ recipe: 'flaky' }))).toBe(false);
  });
});
