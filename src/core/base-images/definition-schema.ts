import * as z from '../zod.js';
import { ARCHITECTURES } from '../runtimes/catalog.js';

// Apart from definition.ts: the bundled bases come checked from the precompiled table, so a build
// loads this schema, and zod, only for a base folder of the user's own or a changed file.

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
