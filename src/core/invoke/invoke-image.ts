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
import type { LambdaRuntime } from '../runtimes/catalog.js';

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
  io: EnvStepIO,
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
  const buildImageId = (await engine.imageId(base.buildImage)) ?? base.buildImage;
  const runtimeImageId = (await engine.imageId(base.runtimeImage)) ?? base.runtimeImage;
  const digest = createHash('sha256')
    .update(`${template}\n${buildImageId}\n${runtimeImageId}\n`)
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
  files.Dockerfile = template
    .replaceAll('{{buildImage}}', base.buildImage)
    .replaceAll('{{runtimeImage}}', base.runtimeImage)
    .replaceAll('{{caBundle}}', caLines);
  log(`building ${tag} (${runtime.family} runtime interface client)`);
  try {
    await engine.buildImage(
      buildContext(files),
      { tag, labels: { [LABELS.managed]: 'true' }, platform: base.platform },
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

/** The official runtime image, pulled when missing and checked for the function's arch. */
async function pullRuntimeImage(base: ResolvedBase, engine: ContainerEngine, io: EnvStepIO): Promise<void> {
  await ensureRegistryImage(base.runtimeImage, base.arch, 'missing', engine, {
    sink: io.sink,
    signal: io.signal,
    pullHint:
      'without registry access, run on the offline stand-in: add `--base debian12` (python3.11, nodejs22.x, nodejs24.x and provided.* only)',
  });
}
