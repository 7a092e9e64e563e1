import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { layerforgeVersion } from '../version.js';
import { sbomComponents, type SbomComponent } from './components.js';
import type { LayerContents } from './layer-contents.js';

/** What both SBOM writers take: the layer as the root, its packages as components. */
export interface SbomInput {
  layer: {
    name: string;
    version?: string;
    license?: string;
    file: string;
    sha256: string;
    runtimes: string[];
    arch?: string;
    base?: string;
  };
  components: SbomComponent[];
  /** When the document was made, only from a source that gives the same answer every time. */
  created?: string;
  /** The layerforge that built the layer (from the manifest), else this one. */
  toolVersion: string;
}

/**
 * The SBOM's inputs for a layer. `created` is SOURCE_DATE_EPOCH when set (the reproducible-builds
 * convention), else the manifest's createdAt, else absent: two runs on the same zip give the
 * same document.
 */
export function sbomInput(contents: LayerContents, env: Record<string, string | undefined>): SbomInput {
  const { manifest } = contents;
  const epoch = env.SOURCE_DATE_EPOCH;
  const created =
    epoch && /^\d+$/.test(epoch)
      ? new Date(Number(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      : manifest?.createdAt;
  const file = basename(contents.zipPath);
  return {
    layer: {
      name: manifest?.recipe?.name ?? file.replace(/\.zip$/i, ''),
      ...(manifest?.recipe ? { version: manifest.recipe.osVersion ?? manifest.recipe.version } : {}),
      ...(manifest?.recipe?.license ? { license: manifest.recipe.license } : {}),
      file,
      sha256: contents.sha256,
      runtimes: manifest?.runtimes ?? [],
      ...(manifest ? { arch: manifest.arch, base: manifest.base } : {}),
    },
    components: sbomComponents(contents.packages),
    ...(created ? { created } : {}),
    toolVersion: manifest?.layerforgeVersion ?? layerforgeVersion,
  };
}

/** A UUID (RFC 4122 shape, version 5 bits) derived from `seed`: the same layer, the same serial. */
export function uuidFrom(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
