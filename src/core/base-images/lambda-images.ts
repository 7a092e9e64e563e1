import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';
import { zodOnDemand } from '../zod-on-demand.js';
import { dataDir } from '../paths.js';
import { precompiledValue } from '../yaml/precompiled.js';
import type { Architecture, LambdaRuntime } from '../runtimes/catalog.js';

// Built on a table miss only, like the YAML parser below: the bundle ships the file checked.
function buildLambdaImagesSchema(z: typeof Zod) {
  const sourceIds = z.array(z.string()).min(1);
  const shapeSchema = z.strictObject({
    id: z.string(),
    role: z.enum(['build', 'runtime']),
    os: z.string(),
    runtimes: z.union([z.literal('all'), z.array(z.string()).min(1)]),
    packageManager: z.enum(['dnf', 'microdnf', 'yum']),
    tools: z.strictObject({ present: z.array(z.string()), absent: z.array(z.string()) }),
    /** Per runtime family, the libraries the runtime keeps in /var/lang/lib (`{version}` is filled in). */
    privateLibraries: z.record(z.string(), z.array(z.string())).optional(),
    sources: sourceIds,
  });
  return z.strictObject({
    sources: z.record(z.string(), z.string()),
    tags: z.strictObject({ source: z.string(), runtime: z.string(), build: z.string() }),
    libraryDirs: z.strictObject({ source: z.string(), system: z.array(z.string()), private: z.string() }),
    packageTools: z.record(z.string(), z.array(z.string())),
    shapes: z.array(shapeSchema).min(1),
  });
}
let lambdaImagesSchema: ReturnType<typeof buildLambdaImagesSchema> | undefined;
export type LambdaImages = Zod.infer<ReturnType<typeof buildLambdaImagesSchema>>;
export type LambdaImageShape = LambdaImages['shapes'][number];

let cached: LambdaImages | undefined;

export const LAMBDA_IMAGES_FILE = join(dataDir, 'lambda-images.yaml');

/** The file checked, from its text: what the bundle's table of precompiled data holds. */
export function parseLambdaImages(text: string): LambdaImages {
  // Required on a table miss only (code run from lib/, an edited data file), so that resolving a
  // base does not load the YAML parser at every start; callers of this function are synchronous.
  const { parse } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  lambdaImagesSchema ??= buildLambdaImagesSchema(zodOnDemand());
  const data = lambdaImagesSchema.parse(parse(text));
  const named = [data.tags.source, data.libraryDirs.source, ...data.shapes.flatMap((s) => s.sources)];
  const unknown = named.filter((id) => !(id in data.sources));
  if (unknown.length > 0) throw new Error(`lambda-images.yaml: undefined sources ${unknown.join(', ')}`);
  return data;
}

/** data/lambda-images.yaml, checked: every source a fact names is defined. */
export function lambdaImages(): LambdaImages {
  if (cached) return cached;
  const text = readFileSync(LAMBDA_IMAGES_FILE, 'utf8');
  cached =
    (precompiledValue('lambda-images', text)?.value as LambdaImages | undefined) ?? parseLambdaImages(text);
  return cached;
}

/** AWS's per-arch tags for a runtime's images: `public.ecr.aws/lambda/python:3.12-arm64`. */
export function officialImages(
  runtime: LambdaRuntime,
  arch: Architecture,
): { buildImage: string; runtimeImage: string } {
  const { tags } = lambdaImages();
  return {
    buildImage: tags.build.replaceAll('{runtime}', runtime.id).replaceAll('{arch}', arch),
    runtimeImage: tags.runtime.replaceAll('{image}', runtime.runtimeImage).replaceAll('{arch}', arch),
  };
}

/** The shape of the official build or runtime image of a runtime. */
export function imageShape(role: 'build' | 'runtime', runtime: LambdaRuntime): LambdaImageShape {
  const shape = lambdaImages().shapes.find(
    (s) =>
      s.role === role && s.os === runtime.os.id && (s.runtimes === 'all' || s.runtimes.includes(runtime.id)),
  );
  if (!shape)
    throw new Error(`lambda-images.yaml: no ${role} image shape for ${runtime.id} (${runtime.os.id})`);
  return shape;
}

/** The libraries a runtime keeps in /var/lang/lib, by the shape's record. */
export function privateLibraries(shape: LambdaImageShape, runtime: LambdaRuntime): string[] {
  return (shape.privateLibraries?.[runtime.family] ?? []).map((name) =>
    name.replaceAll('{version}', runtime.version),
  );
}
