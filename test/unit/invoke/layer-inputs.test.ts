import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../../src/core/base-images/definition.js';
import { resolveBase } from '../../../src/core/base-images/resolve.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { resolveLayerZips } from '../../../src/core/invoke/layer-inputs.js';
import { getRuntime, type Architecture } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';
import { handBase } from '../builder/helpers.js';
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
  const runtime = getRuntime('python3.11');
  const zips = await resolveLayerZips(
    values,
    { runtime: runtime.id, base: await resolveBase(await loadBaseImage('lambda'), runtime, arch) },
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

describe('resolveLayerZips: recipes', () => {
  it('builds a recipe on the base invoke resolved, without resolving a base by name again', async () => {
    // A hand-written pair: no definition has its name, so a build that resolved one would fail.
    const base = handBase('al2', 'arm64');
    const engine = new FakeEngine();
    const events: LayerforgeEvent[] = [];
    const job = testJob({
      cwd: work,
      env: { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' },
      sink: (e) => events.push(e),
      engine,
    });
    // The fake's images hold no files: the build stops when it reads the runtime image's libraries.
    await expect(resolveLayerZips(['hello'], { runtime: 'python3.11', base }, job)).rejects.toThrow(
      /could not list the libraries of test\/al2-runtime:arm64/,
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'build.step.end',
        step: 'resolve',
        status: 'ok',
        detail: 'hello@1.0.0 for python3.11 arm64 on hand-al2',
      }),
    );
    expect(engine.pulls).toEqual([
      { reference: base.buildImage, platform: 'linux/arm64' },
      { reference: base.runtimeImage, platform: 'linux/arm64' },
    ]);
  });
});
