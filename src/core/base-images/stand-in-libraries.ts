import { systemLibrariesFromList } from '../audit/system-libraries.js';
import type { SystemLibraries } from '../audit/types.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import { readRuntimeLibraries } from '../engine/runtime-libraries.js';
import { JobFailedError, UserError } from '../errors.js';
import { cacheDir } from '../paths.js';
import type { Architecture } from '../runtimes/catalog.js';
import { listBaseImages } from './definition.js';
import { baseDigest } from './resolve.js';

/**
 * The libraries of a stand-in base's runtime image (e.g. debian12), read from the image itself:
 * for `audit --os debian12`, which has no committed list. Undefined when no stand-in has that OS.
 */
export async function standInSystemLibraries(
  osId: string,
  arch: Architecture,
  engine: ContainerEngine,
  options: { env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<SystemLibraries | undefined> {
  const base = (await listBaseImages()).find((b) => 'os' in b.definition && b.definition.os.id === osId);
  if (!base) return undefined;
  const digest = (await baseDigest(base, arch)).slice(0, 16);
  const image = `layerforge/${base.definition.name}-runtime:${digest}-${arch}`;
  try {
    await engine.ping(options.signal);
  } catch (error) {
    throw new JobFailedError(
      `the ${base.definition.name} libraries are read from its runtime image, and ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        hint: 'start the Docker engine, or pass --system-libraries <file> (one soname per line)',
      },
    );
  }
  if (!(await engine.imageId(image))) {
    throw new UserError(
      `the ${base.definition.name} runtime image (${arch}) is not built yet; its libraries are read from it`,
      {
        hint: `run \`layerforge base build ${base.definition.name} --arch ${arch}\`, or pass --system-libraries <file>`,
      },
    );
  }
  const libraries = await readRuntimeLibraries(engine, image, {
    cacheDir: cacheDir(options.env),
    signal: options.signal,
  });
  return systemLibrariesFromList(`runtime image ${image}`, libraries);
}
