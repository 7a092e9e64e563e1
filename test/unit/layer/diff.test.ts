import { beforeEach, describe, expect, it } from 'vitest';
import { recordEvents } from '../../../src/core/events.js';
import { diffLayers } from '../../../src/core/layer/diff.js';
import { diffPackages } from '../../../src/core/layer/diff-packages.js';
import { sizeFolder } from '../../../src/core/layer/diff-sizes.js';
import { NO_PACKAGES, type LayerPackages } from '../../../src/core/layer/manifest-packages.js';
import { hiddenLock, makeLayer, npmPackage, wheel } from '../../support/sbom-layers.js';
import { tempDir } from '../../support/temp-dir.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-diff-');
});

const py = (name: string, version: string) => ({
  name,
  version,
  distInfo: `python/${name}-${version}.dist-info`,
});

describe('diffPackages', () => {
  it('lists added, removed and upgraded packages by ecosystem and name', () => {
    const before: LayerPackages = {
      ...NO_PACKAGES,
      python: [py('numpy', '2.1.3'), py('pandas', '2.2.3'), py('six', '1.16.0'), py('old', '1')],
      os: [{ manager: 'deb', name: 'libjq1', version: '1.6-2.1', arch: 'amd64', os: 'debian12', files: [] }],
    };
    const after: LayerPackages = {
      ...NO_PACKAGES,
      // Python names are compared as PEP 503 normalizes them.
      python: [py('NumPy', '2.2.6'), py('pandas', '2.3.3'), py('six', '1.16.0'), py('new', '2')],
      os: [
        {
          manager: 'deb',
          name: 'libjq1',
          version: '1.6-2.1+deb12u2',
          arch: 'amd64',
          os: 'debian12',
          files: [],
        },
      ],
    };
    expect(diffPackages(before, after)).toEqual([
      { ecosystem: 'deb', name: 'libjq1', change: 'changed', from: '1.6-2.1', to: '1.6-2.1+deb12u2' },
      { ecosystem: 'python', name: 'new', change: 'added', to: '2' },
      { ecosystem: 'python', name: 'NumPy', change: 'changed', from: '2.1.3', to: '2.2.6' },
      { ecosystem: 'python', name: 'old', change: 'removed', from: '1' },
      { ecosystem: 'python', name: 'pandas', change: 'changed', from: '2.2.3', to: '2.3.3' },
    ]);
    expect(diffPackages(after, after)).toEqual([]);
  });

  it('compares every installed version of an npm package at once', () => {
    const npm = (version: string, path: string) => ({ name: 'ms', version, path });
    const before = {
      ...NO_PACKAGES,
      npm: [
        npm('2.1.3', 'nodejs/node_modules/ms'),
        npm('2.0.0', 'nodejs/node_modules/debug/node_modules/ms'),
      ],
    };
    const after = { ...NO_PACKAGES, npm: [npm('2.1.3', 'nodejs/node_modules/ms')] };
    expect(diffPackages(before, after)).toEqual([
      { ecosystem: 'npm', name: 'ms', change: 'changed', from: '2.0.0, 2.1.3', to: '2.1.3' },
    ]);
  });
});

describe('sizeFolder', () => {
  it.each([
    ['python/numpy/_core/x.so', 'python/numpy'],
    ['python/numpy-2.2.6.dist-info/RECORD', 'python/numpy-*.dist-info'],
    ['python/python_dateutil-2.9.0.post0.dist-info/METADATA', 'python/python_dateutil-*.dist-info'],
    [
      'python/lib/python3.11/site-packages/pandas/core/frame.py',
      'python/lib/python3.11/site-packages/pandas',
    ],
    ['nodejs/node_modules/sharp/lib/index.js', 'nodejs/node_modules/sharp'],
    ['nodejs/node_modules/@img/sharp-linux-x64/lib/x.node', 'nodejs/node_modules/@img/sharp-linux-x64'],
    ['nodejs/node_modules/.package-lock.json', 'nodejs/node_modules'],
    ['lib/libjq.so.1', 'lib'],
    ['python/six.py', 'python'],
    ['README', '.'],
  ])('%s counts under %s', (path, folder) => {
    expect(sizeFolder(path)).toBe(folder);
  });
});

describe('diffLayers', () => {
  it("compares two zips without manifests from their wheels' and npm packages' metadata, with sizes", async () => {
    const a = await makeLayer(dir, 'a', {
      ...wheel('numpy', '2.1.3', 'BSD', 1000),
      ...wheel('six', '1.16.0', 'MIT'),
      ...npmPackage('left-pad', '1.3.0', 'WTFPL'),
      ...hiddenLock([{ name: 'left-pad', version: '1.3.0' }]),
    });
    const b = await makeLayer(dir, 'b', {
      ...wheel('numpy', '2.2.6', 'BSD', 50_000),
      ...wheel('six', '1.16.0', 'MIT'),
    });
    const { sink, events } = recordEvents();
    const diff = await diffLayers(a, b, { sink });
    expect(events).toEqual([]);
    expect(diff.packages).toEqual([
      { ecosystem: 'npm', name: 'left-pad', change: 'removed', from: '1.3.0' },
      { ecosystem: 'python', name: 'numpy', change: 'changed', from: '2.1.3', to: '2.2.6' },
    ]);
    expect(diff.a).toMatchObject({ packagesFrom: 'zip', files: 9 });
    expect(diff.b.files).toBe(6);
    expect(diff.b.unzippedBytes - diff.a.unzippedBytes).toBeGreaterThan(48_000);
    expect(diff.folders[0]).toMatchObject({ path: 'python/numpy', delta: 49_000 });
    expect(diff.folders.map((f) => f.path).sort()).toEqual([
      'nodejs/node_modules',
      'nodejs/node_modules/left-pad',
      'python/numpy',
      'python/numpy-*.dist-info',
    ]);
    expect(diff.files[0]).toMatchObject({ path: 'python/numpy/__init__.py', delta: 49_000 });
    expect(diff.folders[0]?.zippedDelta).toBeGreaterThan(0);
  });

  it("compares only wheels and npm packages when one side's packages come from a manifest", async () => {
    const packages: LayerPackages = {
      ...NO_PACKAGES,
      python: [py('six', '1.16.0')],
      os: [{ manager: 'deb', name: 'jq', version: '1.6', os: 'debian12', files: ['bin/jq'] }],
    };
    const a = await makeLayer(dir, 'a', wheel('six', '1.16.0', 'MIT'), packages);
    const b = await makeLayer(dir, 'b', wheel('six', '1.17.0', 'MIT'));
    const { sink, events } = recordEvents();
    const diff = await diffLayers(a, b, { sink });
    expect(events).toContainEqual(expect.objectContaining({ code: 'diff-mixed-sources' }));
    expect(diff.packages).toEqual([
      { ecosystem: 'python', name: 'six', change: 'changed', from: '1.16.0', to: '1.17.0' },
    ]);
  });
});
