import { basename } from 'node:path';
import type { Architecture as LambdaArchitecture, Runtime } from '@aws-sdk/client-lambda';
import { UserError } from '../errors.js';
import {
  COMPATIBLE_RUNTIMES_MAX,
  DESCRIPTION_MAX,
  LICENSE_INFO_MAX,
} from '../lambda/layer-version-limits.js';
import type { LayerFacts } from './plain-zip.js';
import { getRuntime } from '../runtimes/catalog.js';
import { layerforgeVersion } from '../version.js';

/**
 * Lambda's layer name rule (PublishLayerVersion `LayerName`): letters, digits, `-` and `_`.
 * The API takes up to 140 characters including the ARN form; layerforge keeps names to 64
 * so the full version ARN stays well inside the 140-character ARN limit in every region.
 */
export const LAYER_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const LAYER_NAME_MAX = 64;

/** Throws a UserError (exit 2) for a name Lambda would reject. */
export function validateLayerName(name: string): string {
  if (name.length === 0 || name.length > LAYER_NAME_MAX || !LAYER_NAME_PATTERN.test(name)) {
    throw new UserError(`"${name}" is not a valid layer name`, {
      hint: `use 1–${LAYER_NAME_MAX} letters, digits, "-" or "_"`,
    });
  }
  return name;
}

/** Replaces what Lambda rejects with `-` and trims to the length limit. */
export function sanitizeLayerName(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const cut = cleaned.slice(0, LAYER_NAME_MAX).replace(/[-_]+$/, '');
  return cut.length > 0 ? cut : 'layer';
}

/** `python3.12` → `python312`, `nodejs20.x` → `nodejs20`, `provided.al2023` → `providedal2023`. */
export function runtimeTag(runtimeId: string): string {
  try {
    const runtime = getRuntime(runtimeId);
    return `${runtime.family}${runtime.version}`.replace(/[^A-Za-z0-9]/g, '');
  } catch {
    return runtimeId.replace(/\.x$/, '').replace(/[^A-Za-z0-9]/g, '');
  }
}

/** `<recipe>-<runtime family+version>-<arch>`, e.g. `pandas-python312-x86_64`. */
export function defaultLayerName(manifest: LayerFacts, zipPath: string): string {
  // Without a recipe, the zip's own name (the builder's names already carry runtime and arch).
  if (!manifest.recipe) return sanitizeLayerName(basename(zipPath).replace(/\.zip$/i, ''));
  const runtime = manifest.runtimes[0];
  const parts = [
    manifest.recipe.name,
    runtime === undefined ? undefined : runtimeTag(runtime),
    manifest.arch,
  ];
  return sanitizeLayerName(parts.filter((p) => p !== undefined).join('-'));
}

/**
 * The version's description: `recipe@version`, runtimes, arch and the content sha256, so the
 * console shows what a version holds. Kept within Lambda's 256 characters; the digest is never cut.
 */
export function layerDescription(manifest: LayerFacts, sha256: string, zipPath: string): string {
  const what = manifest.recipe ? `${manifest.recipe.name}@${manifest.recipe.version}` : basename(zipPath);
  const tail = ` sha256:${sha256} (layerforge ${layerforgeVersion})`;
  const full = `${what} ${manifest.runtimes.join(',')} ${manifest.arch}${tail}`;
  if (full.length <= DESCRIPTION_MAX) return full;
  const short = `${what} ${manifest.arch}${tail}`;
  if (short.length <= DESCRIPTION_MAX) return short;
  return `${what.slice(0, DESCRIPTION_MAX - tail.length - 1)}…${tail}`;
}

/** PublishLayerVersion's metadata fields, from the manifest. */
export function layerMetadata(
  manifest: LayerFacts,
  sha256: string,
  zipPath: string,
): {
  Description: string;
  CompatibleRuntimes: Runtime[];
  CompatibleArchitectures: LambdaArchitecture[];
  LicenseInfo?: string;
  droppedRuntimes: string[];
} {
  const license = manifest.recipe?.license;
  return {
    Description: layerDescription(manifest, sha256, zipPath),
    // The manifest's runtime ids come from the catalog; a runtime newer than this SDK's list is
    // still a valid string on the wire.
    CompatibleRuntimes: manifest.runtimes.slice(0, COMPATIBLE_RUNTIMES_MAX) as Runtime[],
    CompatibleArchitectures: [manifest.arch],
    ...(license ? { LicenseInfo: license.slice(0, LICENSE_INFO_MAX) } : {}),
    droppedRuntimes: manifest.runtimes.slice(COMPATIBLE_RUNTIMES_MAX),
  };
}
