import * as z from '../zod.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** A wheel installed under python/: from its dist-info and pip's install report. */
export const pythonPackageSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  /** Where pip took the wheel from (its URL on the index), when pip's report says. */
  url: z.string().optional(),
  sha256: sha256.optional(),
  /** An SPDX expression when the metadata gives one (or a classifier maps to one), else its short text. */
  license: z.string().optional(),
  /** The dist-info folder in the layer: `python/numpy-2.2.6.dist-info`. */
  distInfo: z.string(),
});

/** A package under nodejs/node_modules, from npm's hidden lock file and its package.json. */
export const npmPackageSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  /** The tarball URL npm resolved. */
  resolved: z.string().optional(),
  /** npm's Subresource Integrity string, `sha512-…`. */
  integrity: z.string().optional(),
  license: z.string().optional(),
  /** `nodejs/node_modules/sharp`. */
  path: z.string(),
});

/** An OS package whose files reached the layer (exported programs, libraries, data). */
export const osPackageSchema = z.strictObject({
  manager: z.enum(['deb', 'rpm']),
  name: z.string(),
  /** As the package manager prints it: Debian's `1.6-2.1`, rpm's `version-release` (epoch apart). */
  version: z.string(),
  epoch: z.string().optional(),
  arch: z.string().optional(),
  /** Debian's source package, when it differs from the binary package's name. */
  sourcePackage: z.string().optional(),
  license: z.string().optional(),
  /** The OS that packaged it: `debian12`, `al2023`. */
  os: z.string(),
  /** Layer paths that came from this package, sorted. */
  files: z.array(z.string()),
});

/** A verified download or bundled archive the recipe built from. */
export const sourceArchiveSchema = z.strictObject({
  /** From the file name (`openssl-3.0.15.tar.gz` → openssl, 3.0.15) when it has that shape. */
  name: z.string(),
  version: z.string().optional(),
  file: z.string(),
  url: z.string().optional(),
  /** A path inside the recipe folder, for a bundled archive. */
  path: z.string().optional(),
  sha256,
});

/** Everything a build put in the layer that came from a package or an archive, each list sorted. */
export const layerPackagesSchema = z.strictObject({
  python: z.array(pythonPackageSchema),
  npm: z.array(npmPackageSchema),
  os: z.array(osPackageSchema),
  sources: z.array(sourceArchiveSchema),
});

export type PythonPackage = z.infer<typeof pythonPackageSchema>;
export type NpmPackage = z.infer<typeof npmPackageSchema>;
export type OsPackage = z.infer<typeof osPackageSchema>;
export type SourceArchive = z.infer<typeof sourceArchiveSchema>;
export type LayerPackages = z.infer<typeof layerPackagesSchema>;

export const NO_PACKAGES: LayerPackages = { python: [], npm: [], os: [], sources: [] };
