import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, JobFailedError } from '../errors.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import type { EnvStepIO } from '../job-context.js';
import { cacheDir } from '../paths.js';
import { architectureInfo, type Architecture } from '../runtimes/catalog.js';
import {
  checkedRecord,
  ensureRegistryImage,
  verifiedImage,
  type ImageRecord,
  type PullPolicy,
} from './image-presence.js';
import type { DebootstrapBase } from './definition.js';
import { buildNodejsImages } from './nodejs-images.js';
import type { PackageFetcher } from './pinned-package.js';
import { baseDigest, rootfsDigest, type ResolvedBase } from './resolve.js';

interface EnsureIO extends EnvStepIO {
  /** For registry images; images a stand-in base builds are never pulled. Default `missing`. */
  pull?: PullPolicy;
  /** Fetches the pinned Node and npm tarballs (default `npm pack`); tests pass their own. */
  fetchPackage?: PackageFetcher;
}

/** The two images a build used, each checked for the build's arch. */
export interface BaseImageRecords {
  build: ImageRecord;
  runtime: ImageRecord;
}

const PULL_HINT =
  'without registry access, build on the offline stand-in: add `--base debian12` (first run `layerforge base build debian12`)';

/**
 * Makes sure both images of the base exist in the engine (pulled as the policy says, or built
 * from their definition) and are for the base's arch. Returns what the manifest records of them.
 */
export async function ensureBaseImages(
  base: ResolvedBase,
  engine: ContainerEngine,
  io: EnsureIO,
): Promise<BaseImageRecords> {
  const definition = base.loaded.definition;
  if (definition.source.kind === 'registry') {
    const pullIO = { sink: io.sink, signal: io.signal, pullHint: PULL_HINT };
    const policy = io.pull ?? 'missing';
    // Both images asked about at once: each question is a round trip to the engine on every
    // cache hit, milliseconds each to an engine reached over ssh or TCP. Pulls stay one at a time.
    // A base whose two images are one asks once: the build image's pull would make the answer stale.
    const runtime =
      base.runtimeImage === base.buildImage ? undefined : engine.inspectImage(base.runtimeImage);
    runtime?.catch(() => undefined); // Reported by its own await, after the build image's.
    return {
      build: await ensureRegistryImage(base.buildImage, base.arch, policy, engine, pullIO),
      runtime: await ensureRegistryImage(base.runtimeImage, base.arch, policy, engine, pullIO, runtime),
    };
  }
  // A nodejs stand-in's images derive from the base pair: that pair first, then Node on top.
  const pair = base.nodejs?.parent ?? base;
  // Both asked about at once, and once: on a cache hit the answers are also the records.
  const present = await Promise.all([
    engine.inspectImage(pair.buildImage),
    engine.inspectImage(pair.runtimeImage),
  ]);
  const built = !present.every(Boolean);
  if (built) {
    await buildDebootstrapImages(definition as DebootstrapBase, base.loaded.dir, base.arch, engine, io);
  }
  if (base.nodejs) await buildNodejsImages(base.nodejs, base, base.platform, engine, io, io.fetchPackage);
  if (!built && !base.nodejs) {
    return {
      build: checkedRecord(base.buildImage, base.arch, present[0]),
      runtime: checkedRecord(base.runtimeImage, base.arch, present[1]),
    };
  }
  const [build, runtime] = await Promise.all([
    verifiedImage(base.buildImage, base.arch, engine),
    verifiedImage(base.runtimeImage, base.arch, engine),
  ]);
  return { build, runtime };
}

/** Builds (or reuses) the debootstrap root file system, then the build and runtime images on top. */
export async function buildDebootstrapImages(
  definition: DebootstrapBase,
  dir: string,
  arch: Architecture,
  engine: ContainerEngine,
  io: EnsureIO,
): Promise<{ buildImage: string; runtimeImage: string }> {
  const digest = (await baseDigest({ definition, dir }, arch)).slice(0, 16);
  const log = (line: string) => io.sink({ type: 'build.log', source: 'base-image', line });
  const rootfs = rootfsDigest(definition.source, arch).slice(0, 16);
  const rootfsTag = `layerforge/${definition.name}-rootfs:${rootfs}-${arch}`;
  if (!(await engine.imageId(rootfsTag))) {
    const rootfsDir = join(cacheDir(io.env), 'rootfs');
    await mkdir(rootfsDir, { recursive: true });
    const tarball = join(rootfsDir, `${definition.name}-${rootfs}-${arch}.tar`);
    log(`debootstrap ${definition.source.suite} (${arch}) → ${tarball}`);
    // Loaded here: a build that finds its base image never runs debootstrap (nor loads child_process).
    const { buildRootfsTarball } = await import('./debootstrap.js');
    await buildRootfsTarball(definition.source, arch, tarball, {
      onLine: log,
      signal: io.signal,
      env: io.env,
    });
    log(`loading ${rootfsTag}`);
    // The tar writers load only when an image is made: a build that finds its images never does.
    const { rootfsImageArchive } = await import('./image-archive.js');
    await engine.loadImage(await rootfsImageArchive(tarball, rootfsTag, arch), io.signal);
  }
  const tags = {
    buildImage: `layerforge/${definition.name}-build:${digest}-${arch}`,
    runtimeImage: `layerforge/${definition.name}-runtime:${digest}-${arch}`,
  };
  for (const [kind, tag] of [
    ['build', tags.buildImage],
    ['runtime', tags.runtimeImage],
  ] as const) {
    if (await engine.imageId(tag)) continue;
    const dockerfile = (await readFile(join(dir, definition[kind]), 'utf8')).replaceAll(
      '{{rootfs}}',
      rootfsTag,
    );
    log(`building ${tag}`);
    const { buildContext } = await import('../engine/tar-context.js');
    try {
      await engine.buildImage(
        buildContext({ Dockerfile: dockerfile }),
        {
          tag,
          labels: { [LABELS.managed]: 'true', [LABELS.baseDigest]: digest },
          platform: architectureInfo(arch).dockerPlatform,
        },
        log,
        io.signal,
      );
    } catch (error) {
      if (io.signal.aborted) throw new InterruptedError();
      throw new JobFailedError(`building the ${definition.name} ${kind} image failed`, {
        cause: error,
        details: [error instanceof Error ? error.message : String(error)],
        hint: 'the build reaches Debian mirrors from inside a container: check the engine has network access',
      });
    }
  }
  return tags;
}
