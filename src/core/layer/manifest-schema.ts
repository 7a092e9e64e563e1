import * as z from '../zod.js';
import { layerPackagesSchema } from './manifest-packages.js';

// Apart from manifest.ts, so a module that only names a manifest's paths or types loads no zod:
// a cache hit whose entry is stamped as checked reads its manifest without it (builder/cache.ts).

const imageRecord = z.strictObject({
  reference: z.string(),
  id: z.string(),
  arch: z.enum(['x86_64', 'arm64']),
  /** `repository@sha256:...` for a pulled image; absent for one built locally (a stand-in). */
  digest: z.string().optional(),
  /** When the image was built: how old the image a layer was built on is. */
  created: z.string().optional(),
});

/**
 * What layerforge writes beside every zip (`<zip>.manifest.json`, or `<base>.manifest.json`).
 * Publish reads it to fill CompatibleRuntimes/Architectures and to check the zip is the one built.
 */
export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  recipe: z
    .strictObject({
      name: z.string(),
      version: z.string(),
      license: z.string().optional(),
      /**
       * The version the build's OS gives (the recipe's `osVersions` entry for it), where it
       * differs from `version`. Optional: manifests written before it existed still read.
       */
      osVersion: z.string().optional(),
    })
    .nullable(),
  runtimes: z.array(z.string()),
  arch: z.enum(['x86_64', 'arm64']),
  /** The base image pair the layer was built on: `lambda` (official images) or a stand-in like `debian12`. */
  base: z.string(),
  /** The build and runtime images, as the engine had them: their digests tell a rebuild's inputs apart. */
  images: z.strictObject({ build: imageRecord, runtime: imageRecord }).optional(),
  zip: z.strictObject({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Base64 of the SHA-256: what Lambda reports as CodeSha256. */
    codeSha256: z.string(),
    zippedBytes: z.number().int().nonnegative(),
    unzippedBytes: z.number().int().nonnegative(),
    fileCount: z.number().int().nonnegative(),
  }),
  /** Digest of everything that went into the build (recipe files, base image id, runtime, arch, version). */
  inputsDigest: z.string(),
  layerforgeVersion: z.string(),
  createdAt: z.string().optional(),
  audit: z.strictObject({ errors: z.number(), warnings: z.number() }).optional(),
  prune: z
    .array(z.strictObject({ rule: z.string(), bytesSaved: z.number(), reverted: z.boolean() }))
    .optional(),
  /**
   * What is inside: wheels, npm packages, OS packages and source archives, with versions,
   * origins, digests and licences. Optional: manifests written before it existed still read.
   */
  packages: layerPackagesSchema.optional(),
});
export type LayerManifest = z.infer<typeof manifestSchema>;
