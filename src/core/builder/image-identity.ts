import type { ImageRecord } from '../base-images/image-presence.js';

/**
 * What names an image in the cache key the same way on every machine, so a runner with an empty
 * engine computes the key a colleague's laptop computed:
 * - an official (registry) image by its registry digest (`repository@sha256:…` from RepoDigests):
 *   the same bytes pulled anywhere have it, and a new push behind the same tag changes it;
 * - a stand-in image by its tag, which layerforge derives from the image's definition (base.yaml,
 *   its Dockerfiles, the pins and layerforge's version: base-images/resolve.ts and
 *   nodejs-images.ts), so rebuilding it from the same definition keeps the key.
 * The engine's image id is a local fact (a stand-in built twice gets two ids): it is used only for
 * a registry image that has no digest (built or loaded locally under an official name), and says
 * so, so it never matches a pulled image's key.
 */
export function imageIdentity(image: ImageRecord, source: 'registry' | 'definition'): string {
  if (source === 'definition') return `definition ${image.reference}`;
  if (image.digest) return `registry ${image.digest}`;
  return `local ${image.id}`;
}
