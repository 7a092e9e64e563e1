import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { sha256File } from '../builder/sources.js';
import type { EventSink } from '../events.js';
import type { LayerPackages } from '../layer/manifest-packages.js';
import { manifestPathFor, readManifest, type LayerManifest } from '../layer/manifest.js';
import { zipLayerFiles, type LayerFiles } from './layer-files.js';
import { readNpmPackages, readPythonPackages } from './read-packages.js';

/** A layer zip and what is known of what is inside it. */
export interface LayerContents {
  zipPath: string;
  /** The manifest beside the zip, when there is one that matches it. */
  manifest?: LayerManifest;
  sha256: string;
  packages: LayerPackages;
  /**
   * `manifest`: the build's records (origins, digests, OS packages). `zip`: read from the
   * wheels' and npm packages' own metadata in the zip, for a zip with no manifest that records
   * packages (another tool's zip, or one built before manifests did).
   */
  packagesFrom: 'manifest' | 'zip';
  /** Every entry of the zip, with its sizes: what `diff` compares. */
  entries: LayerFiles['entries'];
}

/**
 * Reads what a layer zip holds: the manifest's package records when the manifest beside the zip
 * matches it (by sha256), else the dist-info and package.json files inside the zip. A manifest
 * that does not match is ignored with a warning: it describes another build.
 */
export async function readLayerContents(
  zipPath: string,
  options: { sink: EventSink; signal?: AbortSignal },
): Promise<LayerContents> {
  const files = await zipLayerFiles(zipPath, options.signal);
  try {
    const sha256 = await sha256File(zipPath);
    const manifest = await matchingManifest(zipPath, sha256, options.sink);
    const packages =
      manifest?.packages ??
      ({
        python: await readPythonPackages(files),
        npm: await readNpmPackages(files),
        os: [],
        sources: [],
      } satisfies LayerPackages);
    return {
      zipPath,
      ...(manifest ? { manifest } : {}),
      sha256,
      packages,
      packagesFrom: manifest?.packages ? 'manifest' : 'zip',
      entries: files.entries,
    };
  } finally {
    await files.close();
  }
}

async function matchingManifest(
  zipPath: string,
  sha256: string,
  sink: EventSink,
): Promise<LayerManifest | undefined> {
  const path = manifestPathFor(zipPath);
  if (!existsSync(path)) return undefined;
  const manifest = await readManifest(path);
  if (manifest.zip.sha256 === sha256) return manifest;
  sink({
    type: 'warning',
    code: 'manifest-mismatch',
    message: `${basename(path)} describes another zip (sha256 ${manifest.zip.sha256.slice(0, 12)}…, the zip's is ${sha256.slice(0, 12)}…): reading the packages from the zip itself`,
  });
  return undefined;
}
