import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../engine/container-engine.js';
import { LABELS } from '../engine/container-engine.js';
import { InterruptedError, JobFailedError, UserError, isAbortError } from '../errors.js';
import type { EnvStepIO } from '../job-context.js';
import { cacheDir } from '../paths.js';
import type { Architecture, LambdaRuntime } from '../runtimes/catalog.js';
import { parseYamlFile } from '../yaml/read-yaml-file.js';
import type { DebootstrapBase, LoadedBaseImage } from './definition.js';
import type { NodejsPins } from './nodejs-pins-schema.js';
import type { PackageFetcher, PinnedPackage } from './pinned-package.js';

/** npm's name for an arch (`--cpu`, and the node-linux-* package suffix). */
export const NPM_CPU: Record<Architecture, string> = { x86_64: 'x64', arm64: 'arm64' };

export type { NodejsPins } from './nodejs-pins-schema.js';

/** The Node and npm tarballs one nodejs runtime's stand-in images are built from. */
export interface NodeRelease {
  major: string;
  node: PinnedPackage;
  npm: PinnedPackage;
}

/** What resolve.ts records of a nodejs stand-in: its release and the base pair it derives from. */
export interface NodejsStandIn {
  release: NodeRelease;
  parent: { buildImage: string; runtimeImage: string };
  /** The Dockerfiles' text, read once when the tags were computed from them. */
  dockerfiles: { build: string; runtime: string };
}

/** The base's nodejs.yaml, checked with line:col errors; undefined when the base has none. */
export async function loadNodejsPins(loaded: LoadedBaseImage): Promise<NodejsPins | undefined> {
  const definition = loaded.definition;
  if (!('nodejs' in definition) || definition.nodejs === undefined) return undefined;
  const file = join(loaded.dir, definition.nodejs);
  // The schema, and zod, load only here: a build for any other runtime never reads a pin file.
  const schema = async () => (await import('./nodejs-pins-schema.js')).nodejsPinsSchema;
  return (await parseYamlFile(file, schema, file, { what: 'Node.js pin file' })).value;
}

/** The pinned Node and npm for `major` on `arch`, or undefined when none is pinned. */
export function nodeRelease(pins: NodejsPins, major: string, arch: Architecture): NodeRelease | undefined {
  const entry = pins.versions[major];
  if (!entry) return undefined;
  return {
    major,
    node: {
      name: `node-linux-${NPM_CPU[arch]}`,
      version: entry.node.version,
      integrity: entry.node.sha512[arch],
    },
    npm: { name: 'npm', version: entry.npm.version, integrity: entry.npm.sha512 },
  };
}

/**
 * The images a nodejs runtime builds and runs on, derived from the base pair `parent`: tagged by
 * what they are built from (the parent pair's tags, the pins, the Dockerfiles), so a new pin or
 * Dockerfile makes new images and the python and provided images are not touched.
 */
export async function nodejsStandIn(
  loaded: LoadedBaseImage,
  runtime: LambdaRuntime,
  arch: Architecture,
  parent: { buildImage: string; runtimeImage: string },
): Promise<{ buildImage: string; runtimeImage: string; nodejs: NodejsStandIn }> {
  const name = loaded.definition.name;
  const pins = await loadNodejsPins(loaded);
  const release = pins && nodeRelease(pins, runtime.version, arch);
  if (!pins || !release) {
    throw new UserError(`base ${name} pins no Node.js ${runtime.version} for ${runtime.id}`, {
      hint: `pin it in the base's ${pins ? (loaded.definition as DebootstrapBase).nodejs : 'nodejs pin file'}, or use the official images (omit --base)`,
    });
  }
  const dockerfiles = {
    build: await readFile(join(loaded.dir, pins.build), 'utf8'),
    runtime: await readFile(join(loaded.dir, pins.runtime), 'utf8'),
  };
  const digest = createHash('sha256')
    .update(JSON.stringify({ parent, release, dockerfiles }))
    .digest('hex')
    .slice(0, 16);
  const prefix = `layerforge/${name}-nodejs${release.major}`;
  return {
    buildImage: `${prefix}-build:${digest}-${arch}`,
    runtimeImage: `${prefix}-runtime:${digest}-${arch}`,
    nodejs: { release, parent, dockerfiles },
  };
}

/** The Dockerfile with its fields filled in. */
export function fillNodejsDockerfile(template: string, standIn: NodejsStandIn): string {
  return template
    .replaceAll('{{buildImage}}', standIn.parent.buildImage)
    .replaceAll('{{runtimeImage}}', standIn.parent.runtimeImage)
    .replaceAll('{{nodeVersion}}', standIn.release.node.version)
    .replaceAll('{{npmVersion}}', standIn.release.npm.version);
}

/**
 * Builds the nodejs build and runtime images that are missing, from the checked tarballs. The
 * parent pair must exist. Each Dockerfile refuses to finish unless `node --version` is the pin.
 */
export async function buildNodejsImages(
  standIn: NodejsStandIn,
  tags: { buildImage: string; runtimeImage: string },
  platform: string,
  engine: ContainerEngine,
  io: EnvStepIO,
  fetcher?: PackageFetcher,
): Promise<void> {
  const log = (line: string) => io.sink({ type: 'build.log', source: 'base-image', line });
  const fetchIO = { env: io.env, signal: io.signal, onLine: log };
  for (const kind of ['build', 'runtime'] as const) {
    const tag = kind === 'build' ? tags.buildImage : tags.runtimeImage;
    if (await engine.imageId(tag)) continue;
    // Loaded here: a build that finds its images never fetches (nor loads child_process).
    const { fetchPinnedPackage } = await import('./pinned-package.js');
    const files: Record<string, string | Buffer> = {
      Dockerfile: fillNodejsDockerfile(standIn.dockerfiles[kind], standIn),
      'node.tgz': await readFile(
        await fetchPinnedPackage(standIn.release.node, cacheDir(io.env), fetchIO, fetcher),
      ),
    };
    if (kind === 'build') {
      files['npm.tgz'] = await readFile(
        await fetchPinnedPackage(standIn.release.npm, cacheDir(io.env), fetchIO, fetcher),
      );
    }
    log(`building ${tag} (Node.js ${standIn.release.node.version})`);
    // The tar writer loads only when an image is built: a build that finds its images never does.
    const { buildContext } = await import('../engine/tar-context.js');
    try {
      await engine.buildImage(
        buildContext(files),
        { tag, labels: { [LABELS.managed]: 'true' }, platform },
        log,
        io.signal,
      );
    } catch (error) {
      if (io.signal.aborted || isAbortError(error)) throw new InterruptedError();
      throw new JobFailedError(`building the Node.js ${standIn.release.major} ${kind} image failed`, {
        cause: error,
        details: [error instanceof Error ? error.message : String(error)],
        hint: 'the image checks that the pinned node reports its own version; see the log above',
      });
    }
  }
}
