import type { EventSink } from '../events.js';
import { cyclonedxDocument } from './cyclonedx.js';
import { readLayerContents } from './layer-contents.js';
import { sbomInput } from './sbom-input.js';
import { spdxDocument } from './spdx.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export interface LayerSbom {
  document: Record<string, unknown>;
  /** The document, serialized: two runs on the same zip give the same bytes. */
  text: string;
  /** Where the package list came from (see LayerContents.packagesFrom). */
  packagesFrom: 'manifest' | 'zip';
  components: number;
}

/**
 * A standard SBOM for a layer zip: CycloneDX 1.6 JSON or SPDX 2.3 JSON, from the manifest's
 * package records (or the zip's own metadata when it has none).
 */
export async function layerSbom(
  zipPath: string,
  format: SbomFormat,
  options: { sink: EventSink; env: Record<string, string | undefined>; signal?: AbortSignal },
): Promise<LayerSbom> {
  const contents = await readLayerContents(zipPath, options);
  if (contents.packagesFrom === 'zip') {
    options.sink({
      type: 'warning',
      code: 'sbom-from-zip',
      message: contents.manifest
        ? 'the manifest records no packages (the layer was built before manifests did): listing the wheels and npm packages in the zip; rebuild with --no-cache for OS packages, origins and digests'
        : 'no manifest beside the zip: listing the wheels and npm packages it holds, without OS packages, origins or digests',
    });
  }
  const input = sbomInput(contents, options.env);
  const document = format === 'spdx' ? spdxDocument(input) : cyclonedxDocument(input);
  return {
    document,
    text: JSON.stringify(document, null, 2) + '\n',
    packagesFrom: contents.packagesFrom,
    components: input.components.length,
  };
}
