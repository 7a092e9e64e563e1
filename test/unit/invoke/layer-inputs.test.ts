import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { resolveLayerZips } from '../../../src/core/invoke/layer-inputs.js';
import type { Architecture } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';
import { tempDir } from '../../support/temp-dir.js';

let work = '';
beforeEach(async () => {
  work = await tempDir('layerforge-layer-inputs-');
});

/** A zip (its bytes do not matter here) and, unless `arch` is undefined, the manifest beside it. */
async function layerZip(name: string, arch: Architecture | undefined): Promise<string> {
  const zip = join(work, `${name}.zip`);
  await writeFile(zip, 'PK\x05\x06' + '\0'.repeat(18));
  if (arch !== undefined) {
    const manifest = {
      schemaVersion: 1,
      recipe: { name, version: '1.0.0' },
      runtimes: ['python3.11'],
      arch,
      base: 'debian12',
      zip: {
        file: `${name}.zip`,
        sha256: '0'.repeat(64),
        codeSha256: 'AAAA',
        zippedBytes: 22,
        unzippedBytes: 0,
        fileCount: 0,
      },
      inputsDigest: 'x',
      layerforgeVersion: '0.0.0',
    };
    await writeFile(join(work, `${name}.manifest.json`), JSON.stringify(manifest));
  }
  return zip;
}

async function resolveFor(arch: Architecture, values: string[]) {
  const events: LayerforgeEvent[] = [];
  const zips = await resolveLayerZips(
    values,
    { runtime: 'python3.11', arch },
    testJob({ cwd: work, sink: (e) => events.push(e), engine: new FakeEngine() }),
  );
  return { zips, warnings: events.filter((e) => e.type === 'warning') };
}

describe('resolveLayerZips: zips given as they are', () => {
  it("warns when a zip's manifest says it was built for the other arch, and still uses it", async () => {
    const x86 = await layerZip('numpy-x86', 'x86_64');
    const arm = await layerZip('numpy-arm', 'arm64');
    const { zips, warnings } = await resolveFor('arm64', [x86, arm]);
    expect(zips).toEqual([x86, arm]);
    expect(warnings).toEqual([
      {
        type: 'warning',
        code: 'layer-arch-mismatch',
        message: 'layer numpy-x86.zip was built for x86_64, the function runs on arm64',
      },
    ]);
  });

  it('takes a zip without a manifest, or with one that does not parse, without a word', async () => {
    const bare = await layerZip('bare', undefined);
    const broken = await layerZip('broken', undefined);
    await writeFile(join(work, 'broken.manifest.json'), '{"arch": "arm64"');
    const { zips, warnings } = await resolveFor('x86_64', [bare, broken]);
    expect(zips).toEqual([bare, broken]);
    expect(warnings).toEqual([]);
  });
});
