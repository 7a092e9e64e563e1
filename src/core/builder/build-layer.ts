import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBaseImages, type BaseImageRecords } from '../base-images/ensure.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { removeLeftoverContainers } from '../engine/leftovers.js';
import { InterruptedError, JobFailedError, throwIfAborted } from '../errors.js';
import type { EnvStepIO, JobContext } from '../job-context.js';
import { manifestPathFor, readManifest } from '../layer/manifest.js';
import { cacheDir } from '../paths.js';
import { settledInOrder } from '../run-together.js';
import { deprecatedRuntimeWarning } from '../runtimes/deprecation-warning.js';
import { checkBuildEnv, warnUnreachableProxy } from './build-env.js';
import { proxySettingsFrom } from '../net/proxy.js';
import type { BuildMeta } from './build-meta.js';
import { recordsPackages } from './package-records.js';
import { cacheEntry, commitToCache, inputsDigest, placeFromCache, reusableManifest } from './cache.js';
import { imageIdentity } from './image-identity.js';
import { artifactName, manifestRecipe, resolveBuildTarget, type BuildTarget } from './resolve-target.js';
import { skipStep, step } from './steps.js';
import type { BuildLayerOptions, BuildLayerResult } from './types.js';

/**
 * Builds a recipe into `dist/<recipe>-<version>-<runtime>-<arch>.zip` plus its manifest:
 * resolve → base image → build in a container → extract /opt → prune → audit → zip → (test).
 * A cache hit returns the earlier artifact without starting a container. Nothing partial is
 * ever left in dist/ or the cache, also when the signal aborts.
 */
export async function buildLayer(options: BuildLayerOptions, job: JobContext): Promise<BuildLayerResult> {
  const { sink, signal, env } = job;
  checkBuildEnv(options.buildEnv ?? {});
  for (const value of Object.values(options.buildEnv ?? {})) job.redactor.addValue(value);
  const target = await step(
    sink,
    'resolve',
    () => resolveBuildTarget(options, job),
    (t) =>
      `${t.loaded.recipe.name}@${t.loaded.recipe.version} for ${t.runtime.id} ${t.arch} on ${t.base.name}`,
  );
  if (target.base.standIn) {
    sink({
      type: 'warning',
      code: 'stand-in-base',
      message: `building on the ${target.base.name} stand-in (${target.base.os.name}, glibc ${target.base.os.glibc}), not Amazon Linux: the layer is audited and tested against ${target.base.name}, not ${target.runtime.os.name}`,
    });
  }
  // A warning, never a refusal: a layer for a deprecated runtime still serves the functions on it.
  const deprecated = deprecatedRuntimeWarning(target.runtime.id, options.now ?? new Date());
  if (deprecated) sink(deprecated);
  const engine = await job.engine();
  const root = cacheDir(env);
  const outDir = resolve(job.cwd, options.outDir ?? 'dist');
  const zipPath = join(outDir, artifactName(target));

  const { digest, images } = await step(
    sink,
    'base-image',
    async () => {
      // Asked at once: each is a round trip on every cache hit. When the engine cannot be
      // reached both fail, and the ping's error, which says so, is the one reported.
      await settledInOrder<unknown>([engine.ping(signal), removeLeftoverContainers(engine)]);
      const images = await ensureBaseImages(target.base, engine, {
        sink,
        signal,
        env,
        pull: options.pull,
      });
      // Named as on any machine (a registry digest, a stand-in's definition), so a shared cache can match.
      const source = target.base.loaded.definition.source.kind === 'registry' ? 'registry' : 'definition';
      const digest = await inputsDigest({
        recipeDir: target.loaded.dir,
        buildImage: imageIdentity(images.build, source),
        runtimeImage: imageIdentity(images.runtime, source),
        runtime: target.runtime.id,
        arch: target.arch,
        base: target.base.name,
        options: {
          audit: !options.noAudit,
          prune: options.prune ?? 'safe',
          bytecode: options.bytecode ?? 'auto',
        },
        buildEnvNames: Object.keys(options.buildEnv ?? {}),
      });
      return { digest, images };
    },
    () => `${target.base.buildImage}, ${target.base.runtimeImage}`,
  );

  const entry = cacheEntry(root, digest, artifactName(target));
  const hit = options.noCache
    ? undefined
    : await reusableManifest(entry, sink, { maxAgeMs: options.resolveMaxAgeMs, now: options.now });
  const local = hit !== undefined && (await recordsPackages(entry, hit, sink));
  const remoteCache = options.resolveMaxAgeMs === undefined ? options.remoteCache : undefined;
  // The remote cache (the AWS SDK), the build's steps (archiver, tar) and the smoke tests are
  // loaded only when used: a local cache hit needs none of them, and they were most of its start.
  const remoteStep = remoteCache ? await import('./remote-cache-step.js') : undefined;
  const read =
    remoteCache && remoteStep && !local && !options.noCache
      ? await remoteStep.readRemoteCache(remoteCache, entry, digest, job)
      : undefined;
  const remote = read?.hit === true;
  const cached = local || remote;
  sink({ type: 'build.cache', hit: cached, key: digest, ...(remote ? { remote } : {}) });
  if (!cached) {
    warnUnreachableProxy(env, options, sink);
    await buildIntoCache(target, engine, { digest, images }, options, job);
  } else
    for (const s of ['build', 'extract', 'prune', 'audit', 'zip'] as const)
      skipStep(sink, s, remote ? 'remote hit' : 'cache hit');
  if (remoteCache && remoteStep && !remote)
    await remoteStep.writeRemoteCache(remoteCache, entry, digest, read, job);

  await mkdir(outDir, { recursive: true });
  await placeFromCache(entry, zipPath);
  // A local hit's manifest is the one just placed beside the zip.
  const manifest = local ? hit : await readManifest(manifestPathFor(zipPath));

  if (options.test) {
    const { runSmokeTests } = await import('./smoke-test.js');
    const results = await step(
      sink,
      'test',
      () => runSmokeTests(zipPath, target.loaded.recipe, target.runtime, target.base, engine, job),
      (r) => `${r.filter((t) => t.ok).length}/${r.length} passed`,
    );
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new JobFailedError(
        `${failed.length} of ${results.length} smoke test(s) of ${target.loaded.recipe.name} failed`,
        {
          details: failed.flatMap((f) => [
            `✗ ${f.name}: ${f.command}`,
            ...f.output
              .split('\n')
              .slice(-20)
              .map((l) => `  ${l}`),
          ]),
          hint: 'the layer is in dist/; run the command in the runtime image to investigate',
        },
      );
    }
  }
  const from = remote ? { remote } : {};
  sink({ type: 'build.done', zipPath, manifestPath: manifestPathFor(zipPath), cached, ...from });
  return { zipPath, manifestPath: manifestPathFor(zipPath), manifest, cached, ...from };
}

/** The container part: everything in a private work folder, committed to the cache in one rename. */
async function buildIntoCache(
  target: BuildTarget,
  engine: ContainerEngine,
  inputs: { digest: string; images: BaseImageRecords },
  options: BuildLayerOptions,
  io: EnvStepIO & Pick<JobContext, 'redactor'>,
): Promise<void> {
  const { sink } = io;
  const root = cacheDir(io.env);
  const { digest } = inputs;
  // From here on the build streams hundreds of MB through buffers: a young generation that grew
  // with it would hold tens of MB of garbage between collections (young-generation.ts).
  (await import('../young-generation.js')).keepYoungGenerationSmall();
  const [
    { runtimeProvidedLibraries },
    { readRuntimeImageLibraries },
    { warnShadowedLibraries },
    { packageLayer },
    { runBuildContainer },
    { extractOptArchive },
    { readBuildMeta },
    { layerPackages },
    { pruneLayer },
    { stageSources },
  ] = await Promise.all([
    import('../audit/target.js'),
    import('../engine/runtime-libraries.js'),
    import('./shadowed-libraries.js'),
    import('../layer/package-layer.js'),
    import('./build-container.js'),
    import('./extract.js'),
    import('./build-meta.js'),
    import('./layer-packages.js'),
    import('./prune.js'),
    import('./sources.js'),
  ]);
  const work = await mkdtemp(join(tmpdir(), 'layerforge-build-'));
  const timeoutMs = target.loaded.recipe.timeoutMinutes * 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([io.signal, timeout]);
  const staging = join(work, 'opt');
  try {
    await mkdir(join(root, 'logs'), { recursive: true });
    const logPath = join(
      root,
      'logs',
      `${artifactName(target).replace(/\.zip$/, '')}-${digest.slice(0, 12)}.log`,
    );
    // What the container left in /layerforge-meta (pip's report, the exported files' origins).
    let meta: BuildMeta = {};
    // Read once: the build's closure, the shadowed-library warning and the audit all use it.
    const libraries = await step(sink, 'build', async () => {
      const libraries = await readRuntimeImageLibraries(engine, target.base.runtimeImage, {
        cacheDir: root,
        signal,
        runtimeOwn: runtimeProvidedLibraries(target.runtime),
      });
      await stageSources(target.loaded, join(work, 'sources'), {
        cacheDir: root,
        sourcesDir: options.sourcesDir,
        os: target.base.os.id,
        proxy: proxySettingsFrom(io.env),
        sink,
        signal,
      });
      const dirs = { job: join(work, 'job'), sources: join(work, 'sources'), logPath };
      await runBuildContainer(
        target,
        engine,
        dirs,
        libraries.provided,
        {
          sink,
          signal,
          env: io.env,
          redactor: io.redactor,
          buildEnv: options.buildEnv ?? {},
          network: options.dockerNetwork,
        },
        (containerId) =>
          step(sink, 'extract', async () => {
            await extractOptArchive(await engine.copyFrom(containerId, '/opt'), staging, { sink, signal });
            meta = await readBuildMeta(engine, containerId, target.base, signal);
          }),
      );
      warnShadowedLibraries(staging, target.runtime, libraries.shadowing, sink);
      return libraries;
    });
    // Before pruning: a package is in the layer even when a rule trims its files.
    const packages = io.redactor.redactDeep(await layerPackages(staging, meta, target, signal));
    const { records: pruned } = await step(
      sink,
      'prune',
      () =>
        pruneLayer(
          staging,
          work,
          target,
          engine,
          { profile: options.prune ?? 'safe', bytecode: options.bytecode ?? 'auto' },
          { sink, signal },
        ),
      (r) =>
        `${options.prune ?? 'safe'}: ${r.records.filter((p) => !p.reverted).length} rule(s) kept, ${r.records.filter((p) => p.reverted).length} reverted${r.bytecode.modules > 0 ? `, ${r.bytecode.modules} .pyc` : ''}`,
    );
    const audit = options.noAudit
      ? (skipStep(sink, 'audit', '--no-audit'), undefined)
      : await step(
          sink,
          'audit',
          async () =>
            (await import('./audit-step.js')).auditBuiltLayer(staging, target, libraries.provided, {
              sink,
              signal,
            }),
          (a) => `${a.errors} error(s), ${a.warnings} warning(s)`,
        );
    const entryDir = join(root, 'builds', `.${digest}.${process.pid}.tmp`);
    await rm(entryDir, { recursive: true, force: true });
    await step(sink, 'zip', () =>
      packageLayer(
        {
          stagingDir: staging,
          zipPath: join(entryDir, artifactName(target)),
          manifest: {
            recipe: manifestRecipe(target),
            runtimes: [target.runtime.id],
            arch: target.arch,
            base: target.base.name,
            images: inputs.images,
            inputsDigest: digest,
            ...(audit ? { audit } : {}),
            prune: pruned,
            packages,
          },
          reservedBytes: options.reservedBytes,
          budgetMB: target.loaded.recipe.budget?.unzippedMB,
        },
        { sink, signal },
      ),
    );
    throwIfAborted(signal);
    await commitToCache(entryDir, cacheEntry(root, digest, artifactName(target)));
  } catch (error) {
    if (timeout.aborted && !io.signal.aborted) {
      throw new JobFailedError(
        `the build of ${target.loaded.recipe.name} exceeded its timeout of ${target.loaded.recipe.timeoutMinutes} minutes and was stopped`,
        {
          hint: 'raise timeoutMinutes in the recipe if the build is just slow',
        },
      );
    }
    if (io.signal.aborted) throw new InterruptedError();
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(join(root, 'builds', `.${digest}.${process.pid}.tmp`), { recursive: true, force: true });
  }
}
