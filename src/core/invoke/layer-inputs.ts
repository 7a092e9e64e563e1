import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ResolvedBase } from '../base-images/resolve.js';
import { buildLayer } from '../builder/build-layer.js';
import { UserError } from '../errors.js';
import { isFile } from '../fs/is-file.js';
import type { JobContext } from '../job-context.js';
import { manifestPathFor } from '../layer/manifest.js';
import { manifestSchema } from '../layer/manifest-schema.js';
import type { Architecture } from '../runtimes/catalog.js';

/** A `--layer` value is a zip when it names one (or any existing file); otherwise a recipe. */
export async function layerKind(value: string, cwd: string): Promise<'zip' | 'recipe'> {
  if (value.toLowerCase().endsWith('.zip')) return 'zip';
  return (await isFile(resolve(cwd, value))) ? 'zip' : 'recipe';
}

/**
 * The arch a zip was built for, from the manifest layerforge wrote beside it; undefined for a
 * zip without one (or with one that does not parse): such a zip is taken as it is.
 */
async function manifestArch(zipPath: string): Promise<Architecture | undefined> {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(await readFile(manifestPathFor(zipPath), 'utf8')));
    return parsed.success ? parsed.data.arch : undefined;
  } catch {
    return undefined;
  }
}

/** The function's target, which layers built from recipes must match. */
export interface LayerInputOptions {
  runtime: string;
  /** The function's base image pair for its arch, resolved once by invoke: recipe layers are built on it. */
  base: ResolvedBase;
  recipeDirs?: string[];
  outDir?: string;
  /** What the build containers get (`--build-env`), and the network they join. */
  buildEnv?: Record<string, string>;
  dockerNetwork?: string;
}

/**
 * Turns `--layer` values into zip paths, in order: zips are taken as they are, recipes are built
 * for the function's runtime, arch and base first (a cache hit starts no container).
 */
export async function resolveLayerZips(
  values: string[],
  options: LayerInputOptions,
  job: JobContext,
): Promise<string[]> {
  const io = job;
  const { arch } = options.base;
  const zips: string[] = [];
  for (const value of values) {
    if ((await layerKind(value, job.cwd)) === 'zip') {
      const path = resolve(job.cwd, value);
      if (!(await isFile(path)))
        throw new UserError(`layer zip ${path} does not exist`, {
          hint: 'give a zip built by `layerforge build`, or a recipe name',
        });
      // A layer built for the other arch may hold .so files and programs of the wrong machine: the
      // handler's ImportError or exec failure would not say why. A warning, as a pure-Python layer works.
      const built = await manifestArch(path);
      if (built !== undefined && built !== arch) {
        io.sink({
          type: 'warning',
          code: 'layer-arch-mismatch',
          message: `layer ${basename(path)} was built for ${built}, the function runs on ${arch}`,
        });
      }
      zips.push(path);
      continue;
    }
    io.sink({ type: 'info', message: `building layer ${value} for ${options.runtime} ${arch}` });
    const built = await buildLayer(
      {
        recipe: value,
        runtime: options.runtime,
        arch,
        resolvedBase: options.base,
        recipeDirs: options.recipeDirs,
        outDir: options.outDir,
        buildEnv: options.buildEnv,
        dockerNetwork: options.dockerNetwork,
      },
      job,
    );
    zips.push(built.zipPath);
  }
  return zips;
}
