import { stat } from 'node:fs/promises';
import type { EventSink } from '../events.js';
import { readLayerContents, type LayerContents } from '../sbom/layer-contents.js';
import { diffPackages, type PackageChange } from './diff-packages.js';
import { sizeChanges, sizeFolder, type SizeChange } from './diff-sizes.js';

/** One side of a diff: the zip and its totals. */
export interface DiffSide {
  zipPath: string;
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  files: number;
  /** Where its package list came from: the manifest, or the zip's own metadata. */
  packagesFrom: 'manifest' | 'zip';
}

/** What changed from layer `a` to layer `b`. */
export interface LayerDiff {
  a: DiffSide;
  b: DiffSide;
  packages: PackageChange[];
  /** The largest size changes by package folder (or top folder), largest first. */
  folders: SizeChange[];
  /** The largest size changes by file, largest first. */
  files: SizeChange[];
}

/** How many folders and files a diff lists. */
export const DIFF_LIMIT = 20;

function side(contents: LayerContents, zippedBytes: number): DiffSide {
  let unzipped = 0;
  let files = 0;
  for (const e of contents.entries.values()) {
    if (e.type === 'dir') continue;
    unzipped += e.size;
    files += 1;
  }
  return {
    zipPath: contents.zipPath,
    sha256: contents.sha256,
    zippedBytes,
    unzippedBytes: unzipped,
    files,
    packagesFrom: contents.packagesFrom,
  };
}

/**
 * Compares two layer zips: packages added, removed or at another version (from their manifests,
 * or the wheels' and npm packages' metadata in the zips), total sizes, and the largest size
 * changes by folder and by file.
 */
export async function diffLayers(
  aZip: string,
  bZip: string,
  options: { sink: EventSink; signal?: AbortSignal; limit?: number },
): Promise<LayerDiff> {
  const a = await readLayerContents(aZip, options);
  const b = await readLayerContents(bZip, options);
  const mixed = a.packagesFrom !== b.packagesFrom;
  if (mixed) {
    options.sink({
      type: 'warning',
      code: 'diff-mixed-sources',
      message: `one layer's packages come from its manifest, the other's from the zip's metadata: only wheels and npm packages are compared`,
    });
  }
  // Only what both sides know is compared: a zip's metadata has no OS packages or archives.
  const known = (c: LayerContents) => (mixed ? { ...c.packages, os: [], sources: [] } : c.packages);
  const limit = options.limit ?? DIFF_LIMIT;
  const aEntries = [...a.entries.values()];
  const bEntries = [...b.entries.values()];
  return {
    a: side(a, (await stat(aZip)).size),
    b: side(b, (await stat(bZip)).size),
    packages: diffPackages(known(a), known(b)),
    folders: sizeChanges(aEntries, bEntries, sizeFolder, limit),
    files: sizeChanges(aEntries, bEntries, (p) => p, limit),
  };
}
