import semver from 'semver';
import { z } from 'zod';
import { ARCHITECTURES } from '../runtimes/catalog.js';

/** OS ids a recipe can give packages and scripts for: the runtime OSes and the offline stand-in. */
export const RECIPE_OS_IDS = ['al2', 'al2023', 'debian12'] as const;
export type RecipeOsId = (typeof RECIPE_OS_IDS)[number];

const packageName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9+._:-]*$/, { error: 'expected an OS package name like "openssl-libs"' });
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    error: 'expected a path relative to the recipe folder, without ".."',
  });
const layerPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
    error: 'expected a path inside the layer (relative to /opt), without ".."',
  });
const perOs = <T extends z.ZodType>(value: T) =>
  z.strictObject({ al2: value.optional(), al2023: value.optional(), debian12: value.optional() });

const sourceSchema = z
  .strictObject({
    /** Downloaded over HTTPS (plain HTTP only for loopback test servers) into the source cache. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    /** Or a tarball inside the recipe folder. */
    path: relativePath.optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex characters (sha256sum output)' }),
    /** Name under /sources in the container; defaults to the URL's or path's last segment. */
    filename: z
      .string()
      .regex(/^[A-Za-z0-9._+-]+$/, { error: 'expected a plain file name' })
      .optional(),
  })
  .refine((s) => (s.url === undefined) !== (s.path === undefined), { error: 'expected exactly one of url or path' });
export type RecipeSource = z.infer<typeof sourceSchema>;

const testSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** A shell command run in the runtime image with the layer at /opt. */
  run: z.string().min(1, { error: 'expected a shell command' }),
  /** A regular expression the output must match. */
  expect: z.string().optional(),
});

const dataDirSchema = z.strictObject({
  /** Absolute path in the build container. */
  from: z.string().startsWith('/', { error: 'expected an absolute path in the build container' }),
  /** Where it lands in the layer, relative to /opt. */
  to: layerPath,
});

export const recipeSchema = z.strictObject({
  /** Editors read this to find the JSON Schema. */
  $schema: z.string().optional(),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'expected a lowercase name of letters, digits and dashes' }),
  version: z.string().refine((v) => semver.valid(v) !== null, { error: 'expected a semver version like 1.2.3' }),
  summary: z.string().min(1).max(200, { error: 'expected a one-line summary of at most 200 characters' }),
  license: z.string().min(1, { error: 'expected an SPDX license id like MIT or Apache-2.0' }),
  homepage: z.url({ error: 'expected a URL' }),
  runtimes: z.array(z.string()).min(1, { error: 'expected at least one Lambda runtime id' }),
  architectures: z.array(z.enum(ARCHITECTURES)).min(1, { error: 'expected x86_64 and/or arm64' }),
  install: z
    .strictObject({
      python: z
        .strictObject({
          requirements: z.array(z.string().min(1)).min(1),
          /** Wheels only (the default): an sdist would compile against the build image, not Lambda. */
          binaryOnly: z.boolean().default(true),
        })
        .optional(),
      packages: perOs(z.array(packageName).min(1)).optional(),
      sources: z.array(sourceSchema).optional(),
      /** A script in the recipe folder, or one per OS; it runs with PREFIX=/opt and JOBS. */
      script: z.union([relativePath, perOs(relativePath)]).optional(),
    })
    .refine((i) => i.python || i.packages || i.sources || i.script, {
      error: 'expected at least one of python, packages, sources or script',
    }),
  export: z
    .strictObject({
      /** Programs found on the build container's PATH, copied to /opt/bin with their library closure. */
      binaries: z.array(z.string().min(1)).default([]),
      /** Shared libraries by soname, copied to /opt/lib with their closure. */
      libraries: z.array(z.string().min(1)).default([]),
      data: z.array(dataDirSchema).default([]),
    })
    .optional(),
  prune: z
    .strictObject({
      /** Globs (relative to /opt) removed from the layer. */
      remove: z.array(z.string().min(1)).default([]),
      /** Globs no pruning rule may touch. */
      protect: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  tests: z.array(testSchema).default([]),
  budget: z
    .strictObject({
      unzippedMB: z.number().positive({ error: 'expected a positive number of MB' }).max(250, {
        error: "expected at most 250: Lambda's limit for function plus layers",
      }),
    })
    .optional(),
  timeoutMinutes: z.number().int().positive().max(240).default(60),
});

export type Recipe = z.infer<typeof recipeSchema>;
export type RecipeInput = z.input<typeof recipeSchema>;
