// Where the Node invoke image's client compiles: on the engine's own arch, cross-compiling when the
// function's arch is the other one, and nothing new when they are the same. Fake engines answer the
// engine's arch; the real cross-compiled build runs in test/integration/invoke-node.test.ts.
import { createHash } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadBaseImage, type LoadedBaseImage } from '../../../src/core/base-images/definition.js';
import type { PackageFetcher } from '../../../src/core/base-images/pinned-package.js';
import { resolveBase, type ResolvedBase } from '../../../src/core/base-images/resolve.js';
import { recordEvents } from '../../../src/core/events.js';
import { chooseCompileStage, type CompileStageIO } from '../../../src/core/invoke/compile-stage.js';
import { ensureInvokeImage } from '../../../src/core/invoke/invoke-image.js';
import { bundledBaseImagesDir } from '../../../src/core/paths.js';
import { getRuntime, type Architecture } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';

const node22 = getRuntime('nodejs22.x');
const DOCKER: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };
let copy: LoadedBaseImage;
let io: CompileStageIO;

beforeEach(async () => {
  const root = await tempDir('layerforge-compile-stage-');
  await cp(join(bundledBaseImagesDir, 'debian12'), join(root, 'debian12'), { recursive: true });
  copy = await loadBaseImage('debian12', root);
  io = {
    sink: recordEvents().sink,
    signal: new AbortController().signal,
    env: { LAYERFORGE_CACHE_DIR: await tempDir('layerforge-compile-stage-cache-') },
  };
});

/** An engine running on `engineArch` that already has the nodejs22.x images for `arches`. */
async function engineWith(engineArch: string, arches: Architecture[]): Promise<FakeEngine> {
  const engine = new FakeEngine();
  engine.infoArchitecture = engineArch;
  for (const arch of arches) {
    const base = await resolveBase(copy, node22, arch);
    const tags = [base.buildImage, base.runtimeImage, ...Object.values(base.nodejs?.parent ?? {})];
    for (const tag of tags) engine.images.set(tag, { id: `sha256:${tag}`, architecture: DOCKER[arch] });
  }
  return engine;
}

describe('chooseCompileStage', () => {
  it('cross-compiles for arm64 in the x86_64 build image of the same runtime on an amd64 engine', async () => {
    const base = await resolveBase(copy, node22, 'arm64');
    const host = await resolveBase(copy, node22, 'x86_64');
    const stage = await chooseCompileStage(base, node22, await engineWith('amd64', ['x86_64', 'arm64']), io);
    expect(stage).toMatchObject({
      image: host.buildImage,
      arch: 'x86_64',
      packages: ['crossbuild-essential-arm64'],
      env: {
        CC: 'aarch64-linux-gnu-gcc',
        CXX: 'aarch64-linux-gnu-g++',
        AR: 'aarch64-linux-gnu-ar',
        RANLIB: 'aarch64-linux-gnu-ranlib',
        LINK: 'aarch64-linux-gnu-g++',
        STRIP: 'aarch64-linux-gnu-strip',
        QEMU_LD_PREFIX: '/usr/aarch64-linux-gnu',
        npm_config_arch: 'arm64',
        npm_config_target_arch: 'arm64',
      },
    });
    expect(host.buildImage).toMatch(/^layerforge\/debian12-nodejs22-build:[0-9a-f]{16}-x86_64$/);
  });

  it('cross-compiles for x86_64 in the arm64 build image on an arm64 engine', async () => {
    const base = await resolveBase(copy, node22, 'x86_64');
    const host = await resolveBase(copy, node22, 'arm64');
    const stage = await chooseCompileStage(base, node22, await engineWith('arm64', ['x86_64', 'arm64']), io);
    expect(stage).toMatchObject({
      image: host.buildImage,
      arch: 'arm64',
      packages: ['crossbuild-essential-amd64'],
      env: { CC: 'x86_64-linux-gnu-gcc', QEMU_LD_PREFIX: '/usr/x86_64-linux-gnu', npm_config_arch: 'x64' },
    });
  });

  it.each([
    ['amd64', 'x86_64'],
    ['arm64', 'arm64'],
  ] as const)('compiles natively in the function’s own build image on an %s engine', async (docker, arch) => {
    const base = await resolveBase(copy, node22, arch);
    const stage = await chooseCompileStage(base, node22, await engineWith(docker, [arch]), io);
    expect(stage).toEqual({
      image: base.buildImage,
      arch,
      packages: [],
      env: {},
      reason: `compiling on ${arch}, the engine's own arch`,
    });
  });

  it('compiles under emulation when the engine’s arch is not one of Lambda’s', async () => {
    const base = await resolveBase(copy, node22, 'arm64');
    const stage = await chooseCompileStage(base, node22, await engineWith('s390x', ['arm64']), io);
    expect(stage).toMatchObject({ image: base.buildImage, arch: 'arm64', packages: [], env: {} });
    expect(stage.reason).toMatch(/under emulation on arm64: the engine's arch is not one of Lambda's$/);
  });

  it('compiles under emulation when the base names no cross compilers for the function’s arch', async () => {
    await rm(join(copy.dir, 'cross-compilers.yaml'));
    const base = await resolveBase(copy, node22, 'arm64');
    const engine = await engineWith('amd64', ['arm64']);
    const stage = await chooseCompileStage(base, node22, engine, io);
    expect(stage).toMatchObject({ image: base.buildImage, arch: 'arm64', packages: [] });
    expect(stage.reason).toMatch(/names no cross compilers for arm64$/);
    expect(engine.builds).toEqual([]);
  });

  it('builds the engine arch’s nodejs build image when it is missing, from the pinned Node', async () => {
    // Pins matching the fake tarballs, so the build image can be made without the registry.
    const pins = join(copy.dir, 'nodejs.yaml');
    const sha = (text: string) => `sha512-${createHash('sha512').update(text).digest('base64')}`;
    const text = (await readFile(pins, 'utf8'))
      .replace(/(\n {8}x86_64: )sha512-\S+/g, `$1${sha('node')}`)
      .replace(/(\n {6}sha512: )sha512-\S+/g, `$1${sha('npm')}`);
    await writeFile(pins, text);
    const base = await resolveBase(copy, node22, 'arm64');
    const host = await resolveBase(copy, node22, 'x86_64');
    const engine = await engineWith('amd64', ['arm64']);
    // Only the x86_64 base pair is there; the nodejs images on it are not.
    for (const tag of Object.values(host.nodejs?.parent ?? {})) {
      engine.images.set(tag, { id: `sha256:${tag}`, architecture: 'amd64' });
    }
    const fetchPackage: PackageFetcher = async (spec, destination) => {
      await writeFile(join(destination, 'package.tgz'), spec.startsWith('npm@') ? 'npm' : 'node');
    };
    const stage = await chooseCompileStage(base, node22, engine, { ...io, fetchPackage });
    expect(stage.image).toBe(host.buildImage);
    expect(engine.builds.map((b) => [b.tag, b.platform])).toEqual([
      [host.buildImage, 'linux/amd64'],
      [host.runtimeImage, 'linux/amd64'],
    ]);
  });
});

describe('ensureInvokeImage for a Node function', () => {
  async function invokeImage(
    engine: FakeEngine,
    base: ResolvedBase,
  ): Promise<{ tag: string; dockerfile: string }> {
    const tag = await ensureInvokeImage(base, node22, engine, io);
    return { tag, dockerfile: engine.builds.find((b) => b.tag === tag)?.dockerfile ?? '' };
  }

  it('for arm64 on an amd64 engine: compiles in the x86_64 stage, checks an aarch64 ELF, and is arm64', async () => {
    const base = await resolveBase(copy, node22, 'arm64');
    const host = await resolveBase(copy, node22, 'x86_64');
    const engine = await engineWith('amd64', ['x86_64', 'arm64']);
    const { tag, dockerfile } = await invokeImage(engine, base);
    expect(tag).toMatch(/^layerforge\/debian12-invoke-nodejs:[0-9a-f]{16}-arm64$/);
    expect(dockerfile).toContain(`FROM ${host.buildImage} AS ric\n`);
    expect(dockerfile).toContain(' cmake autoconf automake libtool file crossbuild-essential-arm64 \\\n');
    expect(dockerfile).toMatch(
      /^ENV CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g\+\+ .* npm_config_arch=arm64 /m,
    );
    expect(dockerfile).toContain(" | grep -q '^ELF 64-bit LSB .* aarch64, version 1'");
    expect(dockerfile).toContain(`FROM ${base.runtimeImage}\n`);
    expect(dockerfile.split('\n').filter((line) => !line.startsWith('#') && line.includes('{{'))).toEqual([]);
    // No build platform: the engine would refuse to copy from the x86_64 stage into an arm64 build.
    expect(engine.builds.find((b) => b.tag === tag)?.platform).toBeUndefined();
    expect((await engine.inspectImage(tag))?.architecture).toBe('arm64');
  });

  it('for x86_64 on an amd64 engine: the stage is the function’s own build image, with no cross compilers', async () => {
    const base = await resolveBase(copy, node22, 'x86_64');
    const engine = await engineWith('amd64', ['x86_64']);
    const { tag, dockerfile } = await invokeImage(engine, base);
    expect(dockerfile).toContain(`FROM ${base.buildImage} AS ric\n`);
    expect(dockerfile).toContain(' cmake autoconf automake libtool file  \\\n');
    expect(dockerfile).not.toMatch(/^ENV CC=/m);
    expect(dockerfile).toContain(" | grep -q '^ELF 64-bit LSB .* x86-64, version 1'");
    expect(engine.builds.find((b) => b.tag === tag)?.platform).toBe('linux/amd64');
  });

  it('is tagged by its compile stage: the same inputs reuse it, other compilers or stage images make a new one', async () => {
    const base = await resolveBase(copy, node22, 'arm64');
    const host = await resolveBase(copy, node22, 'x86_64');
    const engine = await engineWith('amd64', ['x86_64', 'arm64']);
    const first = await ensureInvokeImage(base, node22, engine, io);
    const builds = engine.builds.length;
    expect(await ensureInvokeImage(base, node22, engine, io)).toBe(first);
    expect(engine.builds).toHaveLength(builds);

    // Native on an arm64 engine: another Dockerfile, another tag.
    const native = await ensureInvokeImage(base, node22, await engineWith('arm64', ['arm64']), io);
    expect(native).not.toBe(first);

    // A rebuilt x86_64 build image (a new id under the same tag) is a new input.
    engine.images.set(host.buildImage, { id: 'sha256:rebuilt', architecture: 'amd64' });
    const rebuilt = await ensureInvokeImage(base, node22, engine, io);
    expect(rebuilt).not.toBe(first);

    // Other cross compilers in the data file: another tag.
    const file = join(copy.dir, 'cross-compilers.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('aarch64-linux-gnu }', 'aarch64-linux-gnux }'),
    );
    expect(await ensureInvokeImage(base, node22, engine, io)).not.toBe(rebuilt);
  });
});
