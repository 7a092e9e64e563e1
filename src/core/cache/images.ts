import { LABELS, type ContainerEngine, type ListedImage } from '../engine/container-engine.js';
import type { LayerforgeImage } from './types.js';

/**
 * The names layerforge gives the images it makes (`base-images/ensure.ts`, `invoke/invoke-image.ts`):
 * `layerforge/<base>-<build|runtime|rootfs|invoke-<family>>:<digest>-<arch>`.
 */
const IMAGE_NAME = /^layerforge\/(.+?)-(build|runtime|rootfs|invoke-[a-z0-9]+):([0-9a-f]+)-(x86_64|arm64)$/;

/** The root file system images carry a fixed date (1970) so their ids are reproducible: no age. */
function knownDate(created: string): string | undefined {
  const ms = Date.parse(created);
  return Number.isNaN(ms) || ms <= 0 ? undefined : new Date(ms).toISOString();
}

/** Docker's arch names in Lambda's words. */
const LAMBDA_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'arm64' };

function describe(image: ListedImage, created: string, dockerArch: string | undefined): LayerforgeImage {
  const base = { id: image.id, tags: image.tags, bytes: image.bytes };
  const date = knownDate(created);
  const dated = date === undefined ? {} : { created: date };
  const parsed = image.tags.map((tag) => IMAGE_NAME.exec(tag)).find((m) => m !== null);
  if (parsed) {
    const [, name = '', role = '', digest = '', arch = ''] = parsed;
    const kind = role.startsWith('invoke-') ? 'invoke' : (role as 'build' | 'runtime' | 'rootfs');
    return {
      ...base,
      ...dated,
      kind,
      base: name,
      arch,
      // The repository (base and role) and arch: successive digests of one image replace each other.
      group: `image ${name}-${role} ${arch}`,
      what: `${name} ${role} image ${arch} (${digest})`,
    };
  }
  const arch = dockerArch === undefined ? {} : { arch: LAMBDA_ARCH[dockerArch] ?? dockerArch };
  if (image.tags.length === 0) {
    const what = 'untagged (a stage of an earlier build)';
    return { ...base, ...dated, ...arch, kind: 'dangling', group: image.id, what };
  }
  return { ...base, ...dated, ...arch, kind: 'other', group: image.id, what: image.tags.join(', ') };
}

/**
 * The images layerforge made on this engine: those carrying its label, and those named
 * `layerforge/...` (the root file system images are loaded from an archive and carry none).
 */
export async function listLayerforgeImages(engine: ContainerEngine): Promise<LayerforgeImage[]> {
  const byId = new Map<string, ListedImage>();
  for (const image of [
    ...(await engine.listImages({ labels: { [LABELS.managed]: 'true' } })),
    ...(await engine.listImages({ reference: 'layerforge/*' })),
  ]) {
    byId.set(image.id, image);
  }
  const images: LayerforgeImage[] = [];
  for (const image of byId.values()) {
    // The listing's date has whole seconds; the image's own has the order of two built in one second.
    const info = await engine.inspectImage(image.id);
    images.push(describe(image, info?.created ?? image.created, info?.architecture));
  }
  return images.sort(
    (a, b) => a.group.localeCompare(b.group) || (b.created ?? '').localeCompare(a.created ?? ''),
  );
}
