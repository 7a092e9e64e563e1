import { isSpdxExpression } from './licence.js';
import type { SbomComponent } from './components.js';
import { uuidFrom, type SbomInput } from './sbom-input.js';

type Json = Record<string, unknown>;

function licences(license: string | undefined): Json[] | undefined {
  if (!license) return undefined;
  // One expression, or one named licence: CycloneDX takes either, an unknown name as `name`.
  return isSpdxExpression(license) ? [{ expression: license }] : [{ license: { name: license } }];
}

function component(c: SbomComponent): Json {
  const props = c.paths.map((path) => ({ name: 'layerforge:path', value: path }));
  const out: Json = {
    type: 'library',
    'bom-ref': c.purl,
    name: c.name,
    ...(c.version ? { version: c.version } : {}),
    purl: c.purl,
  };
  const lic = licences(c.license);
  if (lic) out.licenses = lic;
  if (c.hashes.length > 0) out.hashes = c.hashes.map((h) => ({ alg: h.alg, content: h.hex }));
  if (c.downloadUrl) out.externalReferences = [{ type: 'distribution', url: c.downloadUrl }];
  if (props.length > 0) out.properties = props;
  return out;
}

/** A CycloneDX 1.6 JSON document: the layer as the metadata's component, which depends on every package. */
export function cyclonedxDocument(input: SbomInput): Json {
  const { layer } = input;
  const root: Json = {
    type: 'file',
    'bom-ref': 'layer',
    name: layer.name,
    ...(layer.version ? { version: layer.version } : {}),
    hashes: [{ alg: 'SHA-256', content: layer.sha256 }],
    properties: [
      { name: 'layerforge:zip', value: layer.file },
      ...layer.runtimes.map((r) => ({ name: 'layerforge:runtime', value: r })),
      ...(layer.arch ? [{ name: 'layerforge:arch', value: layer.arch }] : []),
      ...(layer.base ? [{ name: 'layerforge:base', value: layer.base }] : []),
    ],
  };
  const lic = licences(layer.license);
  if (lic) root.licenses = lic;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    // Derived from the zip's digest: the same layer always gets the same serial number.
    serialNumber: `urn:uuid:${uuidFrom(`cyclonedx:${layer.sha256}`)}`,
    version: 1,
    metadata: {
      ...(input.created ? { timestamp: input.created } : {}),
      tools: { components: [{ type: 'application', name: 'layerforge', version: input.toolVersion }] },
      component: root,
    },
    components: input.components.map(component),
    dependencies: [
      { ref: 'layer', dependsOn: input.components.map((c) => c.purl) },
      ...input.components.map((c) => ({ ref: c.purl })),
    ],
  };
}
