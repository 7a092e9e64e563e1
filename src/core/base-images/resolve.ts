import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { settledInOrder } from '../run-together.js';
import { architectureInfo, type Architecture, type LambdaRuntime } from '../runtimes/catalog.js';
import { layerforgeVersion } from '../version.js';
import type { LoadedBaseImage } from './definition.js';
import { imageShape, officialImages } from './lambda-images.js';
import { nodejsStandIn, type NodejsStandIn } from './nodejs-images.js';

export type PackageManager = 'apt' | 'dnf' | 'microdnf' | 'yum';

/** The pair of images a build uses, resolved for one runtime and arch. */
export interface ResolvedBase {
  name: string;
  standIn: boolean;
  /** The OS the layer is built on and audited against. */
  os: { id: string; name: string; glibc: string };
  packageManager: PackageManager;
  buildImage: string;
  runtimeImage: string;
  platform: string;
  arch: Architecture;
  loaded: LoadedBaseImage;
  /**
   * On a stand-in, for a nodejs runtime: the images above are derived from the base pair and
   * carry the pinned Node of the runtime's major (nodejs-images.ts). AWS's nodejs images have
   * Node and npm at /var/lang/bin already, so an official base never has this.
   */
  nodejs?: NodejsStandIn;
}

/**
 * sha256 over what the base's images are built from (base.yaml and the Dockerfiles it names)
 * and layerforge's version: their cache key. Other files in the folder do not invalidate them.
 */
export async function baseDigest(loaded: LoadedBaseImage, arch: Architecture): Promise<string> {
  const hash = createHash('sha256').update(`layerforge ${layerforgeVersion}\narch ${arch}\n`);
  const definition = loaded.definition;
  const inputs = ['base.yaml', ...('build' in definition ? [definition.build, definition.runtime] : [])];
  const names = inputs.sort();
  const contents = await settledInOrder(names.map((name) => readFile(join(loaded.dir, name))));
  names.forEach((name, i) => hash.update(`${name}\n`).update(contents[i] ?? ''));
  return hash.digest('hex');
}

/**
 * sha256 over what the root file system is made of (the debootstrap source) and the arch: the
 * Dockerfiles on top can change without debootstrapping again.
 */
export function rootfsDigest(source: object, arch: Architecture): string {
  return createHash('sha256')
    .update(`layerforge ${layerforgeVersion}\narch ${arch}\n${JSON.stringify(source)}\n`)
    .digest('hex');
}

export async function resolveBase(
  loaded: LoadedBaseImage,
  runtime: LambdaRuntime,
  arch: Architecture,
): Promise<ResolvedBase> {
  const definition = loaded.definition;
  if (!definition.architectures.includes(arch)) {
    throw new UserError(`base ${definition.name} has no ${arch} images`, {
      hint: `it supports ${definition.architectures.join(', ')}`,
    });
  }
  const platform = architectureInfo(arch).dockerPlatform;
  if (definition.source.kind === 'registry') {
    // AWS's per-arch tags, and the build image's own package manager (microdnf on provided.al2023).
    return {
      name: definition.name,
      standIn: definition.standIn,
      os: runtime.os,
      packageManager: imageShape('build', runtime).packageManager,
      ...officialImages(runtime, arch),
      platform,
      arch,
      loaded,
    };
  }
  if (!('runtimes' in definition))
    throw new Error(`base ${definition.name}: debootstrap base without runtimes`);
  if (!definition.runtimes.includes(runtime.id)) {
    throw new UserError(`base ${definition.name} cannot stand in for ${runtime.id}`, {
      hint: `it serves ${definition.runtimes.join(', ')} (it has Python ${definition.languages.python ?? 'none'}${definition.languages.nodejs ? ` and Node.js ${definition.languages.nodejs}` : ''}); use the official images for ${runtime.id} (omit --base)`,
    });
  }
  const digest = (await baseDigest(loaded, arch)).slice(0, 16);
  const pair = {
    buildImage: `layerforge/${definition.name}-build:${digest}-${arch}`,
    runtimeImage: `layerforge/${definition.name}-runtime:${digest}-${arch}`,
  };
  return {
    name: definition.name,
    standIn: definition.standIn,
    os: definition.os,
    packageManager: definition.packageManager,
    ...(runtime.family === 'nodejs' ? await nodejsStandIn(loaded, runtime, arch, pair) : pair),
    platform,
    arch,
    loaded,
  };
}
