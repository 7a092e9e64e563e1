import type { SbomComponent } from './components.js';
import { isSpdxExpression } from './licence.js';
import { uuidFrom, type SbomInput } from './sbom-input.js';

type Json = Record<string, unknown>;

/** SPDX 2.3 requires a creation time; with none that repeats, the epoch stands in for "unknown". */
const NO_TIME = '1970-01-01T00:00:00Z';

const PURPOSE: Record<SbomComponent['kind'], string> = {
  python: 'LIBRARY',
  npm: 'LIBRARY',
  deb: 'LIBRARY',
  rpm: 'LIBRARY',
  source: 'SOURCE',
};

/** SPDX ids allow letters, digits, `.` and `-` only. */
function spdxId(kind: string, name: string, index: number): string {
  return `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}-${index}`;
}

/** An SPDX licence field: the expression when it is one, else NOASSERTION (the name is a comment). */
function declared(license: string | undefined): { licenseDeclared: string; licenseComments?: string } {
  if (license && isSpdxExpression(license)) return { licenseDeclared: license };
  return {
    licenseDeclared: 'NOASSERTION',
    ...(license ? { licenseComments: `declared as: ${license}` } : {}),
  };
}

function spdxPackage(c: SbomComponent, id: string): Json {
  return {
    SPDXID: id,
    name: c.name,
    ...(c.version ? { versionInfo: c.version } : {}),
    downloadLocation: c.downloadUrl ?? 'NOASSERTION',
    filesAnalyzed: false,
    ...(c.hashes.length > 0
      ? { checksums: c.hashes.map((h) => ({ algorithm: h.alg.replace('-', ''), checksumValue: h.hex })) }
      : {}),
    licenseConcluded: 'NOASSERTION',
    ...declared(c.license),
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: PURPOSE[c.kind],
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }],
    ...(c.paths.length > 0 ? { comment: `in the layer at: ${c.paths.join(', ')}` } : {}),
  };
}

/** An SPDX 2.3 JSON document: the layer's zip as the described package, which CONTAINS every package. */
export function spdxDocument(input: SbomInput): Json {
  const { layer } = input;
  const ids = input.components.map((c, i) => spdxId(c.kind, c.name, i + 1));
  const root: Json = {
    SPDXID: 'SPDXRef-Layer',
    name: layer.name,
    ...(layer.version ? { versionInfo: layer.version } : {}),
    packageFileName: layer.file,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA256', checksumValue: layer.sha256 }],
    licenseConcluded: 'NOASSERTION',
    ...declared(layer.license),
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'ARCHIVE',
    comment: [
      layer.runtimes.length > 0 ? `runtimes: ${layer.runtimes.join(', ')}` : undefined,
      layer.arch ? `arch: ${layer.arch}` : undefined,
      layer.base ? `base: ${layer.base}` : undefined,
    ]
      .filter(Boolean)
      .join('; '),
  };
  if (root.comment === '') delete root.comment;
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${layer.name}${layer.version ? `-${layer.version}` : ''} (${layer.file})`,
    // A URN from the zip's digest: unique per layer, the same on every run, no web host named.
    documentNamespace: `urn:uuid:${uuidFrom(`spdx:${layer.sha256}`)}`,
    creationInfo: {
      created: input.created ?? NO_TIME,
      creators: [`Tool: layerforge-${input.toolVersion}`],
    },
    packages: [root, ...input.components.map((c, i) => spdxPackage(c, ids[i] ?? ''))],
    relationships: [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Layer',
      },
      ...ids.map((id) => ({
        spdxElementId: 'SPDXRef-Layer',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: id,
      })),
    ],
  };
}
