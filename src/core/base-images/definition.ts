import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../zod.js';
import { UserError } from '../errors.js';
import { bundledBaseImagesDir } from '../paths.js';
import { parseYamlFile } from '../yaml/read-yaml-file.js';
import { ARCHITECTURES } from '../runtimes/catalog.js';

const packageManager = z.enum(['apt', 'dnf', 'yum']);

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  summary: z.string(),
  /** A stand-in is not Amazon Linux: builds on it are audited against its own OS and say so. */
  standIn: z.boolean(),
  architectures: z.array(z.enum(ARCHITECTURES)).min(1),
};

const debootstrapBase = z.strictObject({
  ...common,
  os: z.strictObject({ id: z.string(), name: z.string(), glibc: z.string().regex(/^\d+\.\d+$/) }),
  packageManager,
  languages: z.record(z.string(), z.string()),
  runtimes: z.array(z.string()).min(1),
  source: z.strictObject({
    kind: z.literal('debootstrap'),
    suite: z.string(),
    variant: z.string(),
    include: z.array(z.string()),
  }),
  /** Dockerfiles in the base's folder; `{{rootfs}}` is replaced by the imported root file system. */
  build: z.string(),
  runtime: z.string(),
  /** A file in the base's folder pinning Node per major for the nodejs runtimes (nodejs-pins.ts). */
  nodejs: z.string().optional(),
});

const registryBase = z.strictObject({
  ...common,
  // Image names, package managers and tools per runtime are in data/lambda-images.yaml.
  source: z.strictObject({ kind: z.literal('registry') }),
});

export const baseImageSchema = z.union([debootstrapBase, registryBase]);
export type BaseImageDefinition = z.infer<typeof baseImageSchema>;
export type DebootstrapBase = z.infer<typeof debootstrapBase>;

export interface LoadedBaseImage {
  definition: BaseImageDefinition;
  dir: string;
}

/** The default base: AWS's official images. */
export const DEFAULT_BASE = 'lambda';

export async function listBaseImages(root = bundledBaseImagesDir): Promise<LoadedBaseImage[]> {
  const entries = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const bases: LoadedBaseImage[] = [];
  for (const name of entries) {
    const file = join(root, name, 'base.yaml');
    if (!existsSync(file)) continue;
    const { value } = await parseYamlFile(file, baseImageSchema, file, {
      what: 'base image definition',
      precompiled: 'base',
    });
    bases.push({ definition: value, dir: join(root, name) });
  }
  return bases;
}

export async function loadBaseImage(name: string, root = bundledBaseImagesDir): Promise<LoadedBaseImage> {
  const bases = await listBaseImages(root);
  const found = bases.find((b) => b.definition.name === name);
  if (!found) {
    throw new UserError(`unknown base image "${name}"`, {
      hint: `available: ${bases.map((b) => b.definition.name).join(', ')} (see \`layerforge base list\`)`,
    });
  }
  return found;
}
