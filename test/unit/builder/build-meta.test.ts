import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBuildMeta } from '../../../src/core/builder/build-meta.js';
import { layerPackages } from '../../../src/core/builder/layer-packages.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { wheel } from '../../support/sbom-layers.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeTree } from '../layer/helpers.js';
import { handBase, makeRecipe } from './helpers.js';

const REPORT = JSON.stringify({
  version: '1',
  install: [
    {
      download_info: {
        url: 'https://index.invalid/six-1.17.0-py2.py3-none-any.whl',
        archive_info: { hashes: { sha256: 'f'.repeat(64) } },
      },
      metadata: { name: 'six', version: '1.17.0' },
    },
  ],
});

/** A stopped build container's files, as the plan and the export leave them on Debian. */
function debianContainer(engine: FakeEngine, image: string): void {
  engine.fileSystems.set(image, {
    '/layerforge-meta/python-report.json': { contents: REPORT },
    '/layerforge-meta/exported.tsv': { contents: 'bin/jq\t/usr/bin/jq\t/usr/bin/jq\n' },
    '/var/lib/dpkg/status': {
      contents: 'Package: jq\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.6-2.1+deb12u2\n',
    },
    '/var/lib/dpkg/info/jq.list': { contents: '/.\n/usr/bin/jq\n' },
    '/var/lib/dpkg/info/jq.md5sums': { contents: 'not read\n' },
  });
}

describe('the build container records, read for the manifest', () => {
  it("reads pip's report, the export's origins and dpkg's database through the archive API", async () => {
    const engine = new FakeEngine();
    debianContainer(engine, 'build:debian');
    const id = await engine.createContainer({ image: 'build:debian', command: [], env: {} });
    const meta = await readBuildMeta(engine, id, handBase('debian12'));
    expect(meta.pythonReport).toBe(REPORT);
    expect(meta.dpkgStatus).toContain('Package: jq');
    expect([...(meta.dpkgLists?.keys() ?? [])]).toEqual(['jq']);
    expect(engine.copies).toEqual(['/layerforge-meta/.', '/var/lib/dpkg/.']);

    const staging = await tempDir('layerforge-meta-');
    await makeTree(staging, { ...wheel('six', '1.17.0', 'MIT'), 'bin/jq': { file: 'ELF', mode: 0o755 } });
    const recipe = makeRecipe({
      install: {
        packages: { debian12: ['jq'] },
        sources: [{ url: 'https://src.invalid/jq-1.6.tar.gz', sha256: 'a'.repeat(64) }],
      },
    });
    const packages = await layerPackages(staging, meta, {
      loaded: { recipe, dir: staging, file: join(staging, 'recipe.yaml') },
      base: handBase('debian12'),
    });
    expect(packages).toEqual({
      python: [
        {
          name: 'six',
          version: '1.17.0',
          url: 'https://index.invalid/six-1.17.0-py2.py3-none-any.whl',
          sha256: 'f'.repeat(64),
          license: 'MIT',
          distInfo: 'python/six-1.17.0.dist-info',
        },
      ],
      npm: [],
      os: [
        {
          manager: 'deb',
          name: 'jq',
          version: '1.6-2.1+deb12u2',
          arch: 'amd64',
          os: 'debian12',
          files: ['bin/jq'],
        },
      ],
      sources: [
        {
          name: 'jq',
          version: '1.6',
          file: 'jq-1.6.tar.gz',
          url: 'https://src.invalid/jq-1.6.tar.gz',
          sha256: 'a'.repeat(64),
        },
      ],
    });
  });

  it('does not read dpkg when nothing was exported, nor on an rpm image', async () => {
    const engine = new FakeEngine();
    engine.fileSystems.set('build:al2023', {
      '/layerforge-meta/exported.tsv': { contents: 'bin/jq\t/usr/bin/jq\t/usr/bin/jq\n' },
      '/layerforge-meta/os-packages.txt': { contents: 'jq\t(none)\t1.7.1\t1.amzn2023\tx86_64\tMIT\n' },
      '/layerforge-meta/os-owners.tsv': { contents: 'bin/jq\tjq\n' },
    });
    const al = await engine.createContainer({ image: 'build:al2023', command: [], env: {} });
    const meta = await readBuildMeta(engine, al, handBase('al2023'));
    expect(meta).toMatchObject({ rpmOwners: 'bin/jq\tjq\n' });
    expect(meta.dpkgStatus).toBeUndefined();
    const empty = await engine.createContainer({ image: 'build:none', command: [], env: {} });
    expect(await readBuildMeta(engine, empty, handBase('debian12'))).toEqual({});
    expect(engine.copies).toEqual(['/layerforge-meta/.', '/layerforge-meta/.']);
  });
});
