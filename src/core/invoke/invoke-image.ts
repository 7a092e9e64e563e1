import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBaseImages } from '../base-images/ensure.js';
import { ensureRegistryImage, verifiedImage } from '../base-images/image-presence.js';
import type { ResolvedBase } from '../base-images/resolve.js';
import { caBundleForContainer } from '../builder/ca-bundle.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import { buildContext } from '../engine/tar-context.js';
import { InterruptedError, JobFailedError, UserError, isAbortError } from '../errors.js';
import type { EnvStepIO } from '../job-context.js';
import { architectureInfo, type LambdaRuntime } from '../runtimes/catalog.js';
import { chooseCompileStage, type CompileStage, type CompileStageIO } from './compile-stage.js';

/** The Dockerfile of a stand-in base's invoke image for one language family. */
export function invokeDockerfileName(runtime: LambdaRuntime): string {
  return `invoke-${runtime.family}.Dockerfile`;
}

/** Where the CA bundle lands in the build stage that runs pip or npm (never in the final image). */
const CA_PATH = '/etc/layerforge/ca-bundle.crt';

/**
 * The image the function runs in, with the language's runtime interface client:
 * - official images already carry it (and AWS's emulator): the runtime image itself;
 * - a stand-in base builds `invoke-<family>.Dockerfile` from its folder on top of its runtime
 *   image, cached in the engine under a tag derived from the Dockerfile and both base images;
 * - a custom runtime (`provided.*`) needs none: the layer's or the function's bootstrap is the client.
 */
export async function ensureInvokeImage(
  base: ResolvedBase,
  runtime: LambdaRuntime,
  engine: ContainerEngine,
  io: CompileStageIO,
): Promise<string> {
  const log = (line: string) => io.sink({ type: 'build.log', source: 'base-image', line });
  if (base.loaded.definition.source.kind === 'registry') {
    await pullRuntimeImage(base, engine, io);
    return base.runtimeImage;
  }
  await ensureBaseImages(base, engine, io);
  const name = invokeDockerfileName(runtime);
  const file = join(base.loaded.dir, name);
  if (!existsSync(file)) {
    if (runtime.family === 'provided') return base.runtimeImage;
    throw new UserError(
      `base ${base.name} has no invoke image for ${runtime.family} functions (no ${name})`,
      {
        hint: 'use the official images (omit --base), which carry the runtime interface client',
      },
    );
  }
  const template = await readFile(file, 'utf8');
  const stage = template.includes('{{compileImage}}')
    ? await chooseCompileStage(base, runtime, engine, io)
    : undefined;
  if (stage) log(stage.reason);
  // The tag is decided by what the Dockerfile is made of: the template, the compile stage (its
  // image, compilers and arch) and the images it starts from. The CA bundle only lets the build
  // reach the registry. A template without a compile stage keeps the key it always had.
  const buildImageId = (await engine.imageId(base.buildImage)) ?? base.buildImage;
  const runtimeImageId = (await engine.imageId(base.runtimeImage)) ?? base.runtimeImage;
  const stageKey = stage
    ? `${JSON.stringify({ ...stage, reason: undefined, id: (await engine.imageId(stage.image)) ?? stage.image })}\n`
    : '';
  const digest = createHash('sha256')
    .update(`${template}\n${stageKey}${buildImageId}\n${runtimeImageId}\n`)
    .digest('hex')
    .slice(0, 16);
  const tag = `layerforge/${base.name}-invoke-${runtime.family}:${digest}-${base.arch}`;
  if (await engine.imageId(tag)) return tag;

  // pip and npm in the build stage may sit behind a TLS-intercepting proxy: give them the host's CA bundle.
  const bundle = caBundleForContainer(io.env).mounts[0]?.hostPath;
  const files: Record<string, string> = {};
  let caLines = '';
  if (bundle) {
    files['ca-bundle.crt'] = await readFile(bundle, 'utf8');
    caLines = `COPY ca-bundle.crt ${CA_PATH}\nENV PIP_CERT=${CA_PATH} REQUESTS_CA_BUNDLE=${CA_PATH} SSL_CERT_FILE=${CA_PATH} NODE_EXTRA_CA_CERTS=${CA_PATH}`;
  }
  files.Dockerfile = fillInvokeDockerfile(template, base, stage, caLines);
  log(`building ${tag} (${runtime.family} runtime interface client)`);
  try {
    await engine.buildImage(
      buildContext(files),
      {
        tag,
        labels: { [LABELS.managed]: 'true' },
        // A compile stage on another arch: with a build platform the engine would refuse to copy
        // from it, and without one each stage runs on its own image's arch (the last is the function's).
        ...(stage && stage.arch !== base.arch ? {} : { platform: base.platform }),
      },
      log,
      io.signal,
    );
  } catch (error) {
    if (io.signal.aborted || isAbortError(error)) throw new InterruptedError();
    throw new JobFailedError(`building the ${base.name} invoke image for ${runtime.family} failed`, {
      cause: error,
      details: [error instanceof Error ? error.message : String(error)],
      hint: 'the build installs the runtime interface client from the package registry: check the engine has network access',
    });
  }
  await verifiedImage(tag, base.arch, engine);
  return tag;
}

/**
 * The invoke Dockerfile with its fields filled in. A template that compiles starts its compile
 * stage from `{{compileImage}}` and installs `{{compilePackages}}`, with `{{compileEnv}}` naming the
 * compilers; `{{elfMachine}}` (the function's arch as `file` prints it) lets it check the result.
 */
export function fillInvokeDockerfile(
  template: string,
  base: ResolvedBase,
  stage: CompileStage | undefined,
  caLines: string,
): string {
  const env = Object.entries(stage?.env ?? {});
  return template
    .replaceAll('{{compileImage}}', stage?.image ?? base.buildImage)
    .replaceAll('{{compilePackages}}', stage?.packages.join(' ') ?? '')
    .replaceAll('{{compileEnv}}', env.length > 0 ? `ENV ${env.map(([k, v]) => `${k}=${v}`).join(' ')}` : '')
    .replaceAll('{{elfMachine}}', architectureInfo(base.arch).elfMachine)
    .replaceAll('{{buildImage}}', base.buildImage)
    .replaceAll('{{runtimeImage}}', base.runtimeImage)
    .replaceAll('{{caBundle}}', caLines);
}

/** The official runtime image, pulled when missing and checked for the function's arch. */
async function pullRuntimeImage(base: ResolvedBase, engine: ContainerEngine, io: EnvStepIO): Promise<void> {
  await ensureRegistryImage(base.runtimeImage, base.arch, 'missing', engine, {
    sink: io.sink,
    signal: io.signal,
    pullHint:
      'without registry access, run on the offline stand-in: add `--base debian12` (python3.11, nodejs22.x, nodejs24.x and provided.* only)',
  });
}
