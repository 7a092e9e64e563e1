import { rm } from 'node:fs/promises';
import type { EventSink } from '../events.js';
import type { LayerManifest } from '../layer/manifest.js';
import type { CacheEntry } from './cache.js';

// Apart from layer-packages.ts, which reads a layer's packages with the zip reader and the SBOM's
// licence parser: a cache hit only asks whether its manifest has them.

/**
 * A cached build made before manifests recorded packages is built again, once, so every layer's
 * manifest lists what is inside it; the zip it makes is the same bytes.
 */
export async function recordsPackages(
  entry: CacheEntry,
  manifest: LayerManifest,
  sink: EventSink,
): Promise<boolean> {
  if (manifest.packages) return true;
  // Removed first: the cache keeps an entry that is already there over a new one.
  await rm(entry.dir, { recursive: true, force: true });
  sink({
    type: 'info',
    message: 'the cached build predates package records in manifests: building it again to record them',
  });
  return false;
}
