import { writeFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordEvents } from '../../../src/core/events.js';
import type { LayerPackages } from '../../../src/core/layer/manifest-packages.js';
import { manifestPathFor, readManifest } from '../../../src/core/layer/manifest.js';
import { layerSbom } from '../../../src/core/sbom/layer-sbom.js';
import { cyclonedxErrors, hiddenLock, makeLayer, npmPackage, wheel } from '../../support/sbom-layers.js';
import { tempDir } from '../../support/temp-dir.js';

const SHA = (c: string) => c.repeat(64);

/** One of each: a wheel, a scoped npm package, a Debian and an rpm package, a source archive. */
const PACKAGES: LayerPackages = {
  python: [
    {
      name: 'numpy',
      version: '2.2.6',
      url: 'https://index.invalid/numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.whl',
      sha256: SHA('a'),
      license: 'BSD License',
      distInfo: 'python/numpy-2.2.6.dist-info',
    },
    {
      name: 'Python_Dateutil',
      version: '2.9.0.post0',
      license: 'Apache-2.0 OR BSD-3-Clause',
      distInfo: 'python/python_dateutil-2.9.0.post0.dist-info',
    },
  ],
  npm: [
    {
      name: '@img/sharp-linux-x64',
      version: '0.34.5',
      resolved: 'https://registry.invalid/@img/sharp-linux-x64/-/sharp-linux-x64-0.34.5.tgz',
      integrity: `sha512-${Buffer.alloc(64, 7).toString('base64')}`,
      license: 'Apache-2.0',
      path: 'nodejs/node_modules/@img/sharp-linux-x64',
    },
  ],
  os: [
    {
      manager: 'deb',
      name: 'libjq1',
      version: '1.6-2.1+deb12u2',
      arch: 'amd64',
      sourcePackage: 'jq',
      os: 'debian12',
      files: ['lib/libjq.so.1'],
    },
    {
      manager: 'rpm',
      name: 'openssl-libs',
      version: '3.2.2-1.amzn2023.0.2',
      epoch: '1',
      arch: 'x86_64',
      license: 'Apache-2.0',
      os: 'al2023',
      files: ['lib/libcrypto.so.3'],
    },
  ],
  sources: [
    {
      name: 'openssl',
      version: '3.0.15',
      file: 'openssl-3.0.15.tar.gz',
      url: 'https://src.invalid/openssl-3.0.15.tar.gz',
      sha256: SHA('c'),
    },
  ],
};

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-sbom-');
});

describe('layerSbom', () => {
  it('writes a CycloneDX 1.6 document the CycloneDX validator accepts, with purls, licences and digests', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    const sbom = await layerSbom(zip, 'cyclonedx', { sink: () => {}, env: {} });
    expect(await cyclonedxErrors(sbom.text)).toBeNull();
    expect(sbom.packagesFrom).toBe('manifest');
    const doc = JSON.parse(sbom.text) as {
      components: Record<string, unknown>[];
      metadata: Record<string, unknown>;
    };
    expect(doc.components.map((c) => c.purl)).toEqual([
      'pkg:deb/debian/libjq1@1.6-2.1+deb12u2?arch=amd64&distro=debian-12',
      `pkg:generic/openssl@3.0.15?checksum=sha256%3A${SHA('c')}&download_url=https%3A%2F%2Fsrc.invalid%2Fopenssl-3.0.15.tar.gz`,
      'pkg:npm/%40img/sharp-linux-x64@0.34.5',
      'pkg:pypi/numpy@2.2.6',
      'pkg:pypi/python-dateutil@2.9.0.post0',
      'pkg:rpm/amzn/openssl-libs@3.2.2-1.amzn2023.0.2?arch=x86_64&distro=amzn-2023&epoch=1',
    ]);
    const numpy = doc.components.find((c) => c.name === 'numpy');
    expect(numpy).toMatchObject({
      version: '2.2.6',
      licenses: [{ license: { name: 'BSD License' } }],
      hashes: [{ alg: 'SHA-256', content: SHA('a') }],
      externalReferences: [{ type: 'distribution', url: PACKAGES.python[0]?.url }],
      properties: [{ name: 'layerforge:path', value: 'python/numpy-2.2.6.dist-info' }],
    });
    const sharp = doc.components.find((c) => c.name === '@img/sharp-linux-x64');
    expect(sharp).toMatchObject({
      licenses: [{ expression: 'Apache-2.0' }],
      hashes: [{ alg: 'SHA-512', content: '07'.repeat(64) }],
    });
    expect(doc.metadata).not.toHaveProperty('timestamp');
  });

  it('is invalid CycloneDX when tampered with: the validator does check', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    const doc = JSON.parse((await layerSbom(zip, 'cyclonedx', { sink: () => {}, env: {} })).text) as {
      components: Record<string, unknown>[];
    };
    (doc.components[0] as Record<string, unknown>).hashes = [{ alg: 'SHA-256', content: 'not hex' }];
    expect(await cyclonedxErrors(JSON.stringify(doc))).not.toBeNull();
  });

  it('writes SPDX 2.3 with the layer CONTAINS each package, NOASSERTION for licences that are names', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    const doc = JSON.parse((await layerSbom(zip, 'spdx', { sink: () => {}, env: {} })).text) as {
      spdxVersion: string;
      documentNamespace: string;
      creationInfo: { created: string };
      packages: Record<string, unknown>[];
      relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
    };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.documentNamespace).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(doc.packages).toHaveLength(7);
    const ids = doc.packages.map((p) => p.SPDXID as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(6);
    const numpy = doc.packages.find((p) => p.name === 'numpy');
    expect(numpy).toMatchObject({
      licenseDeclared: 'NOASSERTION',
      licenseComments: 'declared as: BSD License',
      checksums: [{ algorithm: 'SHA256', checksumValue: SHA('a') }],
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:pypi/numpy@2.2.6',
        },
      ],
    });
    expect(doc.packages.find((p) => p.name === 'Python_Dateutil')?.licenseDeclared).toBe(
      'Apache-2.0 OR BSD-3-Clause',
    );
  });

  it('gives the same bytes every run, and takes its time only from SOURCE_DATE_EPOCH or the manifest', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    for (const format of ['cyclonedx', 'spdx'] as const) {
      const one = await layerSbom(zip, format, { sink: () => {}, env: {} });
      const two = await layerSbom(zip, format, { sink: () => {}, env: {} });
      expect(two.text).toBe(one.text);
    }
    const dated = await layerSbom(zip, 'cyclonedx', {
      sink: () => {},
      env: { SOURCE_DATE_EPOCH: '1700000000' },
    });
    expect(JSON.parse(dated.text)).toMatchObject({ metadata: { timestamp: '2023-11-14T22:13:20Z' } });
    expect(await cyclonedxErrors(dated.text)).toBeNull();
  });

  it('reads the wheels and npm packages from a zip with no manifest, and says so', async () => {
    const zip = await makeLayer(dir, 'plain', {
      ...wheel('six', '1.17.0', 'MIT'),
      ...npmPackage('left-pad', '1.3.0', 'WTFPL'),
      ...npmPackage('@scope/thing', '2.0.0', 'ISC'),
      ...hiddenLock([
        { name: 'left-pad', version: '1.3.0' },
        { name: '@scope/thing', version: '2.0.0' },
      ]),
    });
    const { sink, events } = recordEvents();
    const sbom = await layerSbom(zip, 'cyclonedx', { sink, env: {} });
    expect(sbom.packagesFrom).toBe('zip');
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'sbom-from-zip' }));
    expect(await cyclonedxErrors(sbom.text)).toBeNull();
    const doc = JSON.parse(sbom.text) as {
      components: { purl: string; hashes?: unknown; licenses?: unknown }[];
    };
    expect(doc.components.map((c) => c.purl)).toEqual([
      'pkg:npm/%40scope/thing@2.0.0',
      'pkg:npm/left-pad@1.3.0',
      'pkg:pypi/six@1.17.0',
    ]);
    expect(doc.components[1]).toMatchObject({
      licenses: [{ expression: 'WTFPL' }],
      hashes: [{ alg: 'SHA-512' }],
    });
  });

  it('ignores, with a warning, a manifest that describes another zip', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    const manifest = await readManifest(manifestPathFor(zip));
    await writeFile(
      manifestPathFor(zip),
      JSON.stringify({ ...manifest, zip: { ...manifest.zip, sha256: SHA('0') } }),
    );
    const { sink, events } = recordEvents();
    const sbom = await layerSbom(zip, 'cyclonedx', { sink, env: {} });
    expect(sbom.packagesFrom).toBe('zip');
    expect(sbom.components).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ code: 'manifest-mismatch' }));
  });

  it('still reads a manifest written before packages were recorded', async () => {
    const zip = await makeLayer(dir, 'demo', wheel('numpy', '2.2.6', 'BSD'), PACKAGES);
    const { packages: _, ...old } = await readManifest(manifestPathFor(zip));
    await writeFile(manifestPathFor(zip), JSON.stringify(old));
    expect((await readManifest(manifestPathFor(zip))).packages).toBeUndefined();
    const sbom = await layerSbom(zip, 'spdx', { sink: () => {}, env: {} });
    expect(sbom).toMatchObject({ packagesFrom: 'zip', components: 1 });
  });
});
