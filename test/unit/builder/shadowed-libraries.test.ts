import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runtimeProvidedLibraries } from '../../../src/core/audit/target.js';
import type { BuildTarget } from '../../../src/core/builder/resolve-target.js';
import { warnShadowedLibraries } from '../../../src/core/builder/shadowed-libraries.js';
import { readRuntimeImageLibraries } from '../../../src/core/engine/runtime-libraries.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, loadedRecipe, makeRecipe } from './helpers.js';

let work: string;
beforeEach(async () => {
  work = await tempDir('layerforge-shadowed-');
  await mkdir(join(work, 'staging', 'lib'), { recursive: true });
});

function target(runtime: string): BuildTarget {
  return {
    loaded: loadedRecipe(makeRecipe()),
    runtime: getRuntime(runtime),
    arch: 'x86_64',
    base: handBase('al2023'),
  };
}

/** A runtime image with these files; the build's runtime image name comes from handBase. */
function engineWith(files: string[]): FakeEngine {
  const engine = new FakeEngine();
  const image = handBase('al2023').runtimeImage;
  engine.images.set(image, { id: 'sha256:5ad0', architecture: 'amd64' });
  engine.fileSystems.set(image, Object.fromEntries(files.map((f) => [f, { contents: '' }])));
  return engine;
}

/** The warning as the build gives it: the image's libraries read as the build reads them. */
async function warnings(runtime: string, engine: FakeEngine): Promise<LayerforgeEvent[]> {
  const events: LayerforgeEvent[] = [];
  const built = target(runtime);
  const { shadowing } = await readRuntimeImageLibraries(engine, built.base.runtimeImage, {
    cacheDir: join(work, 'cache'),
    runtimeOwn: runtimeProvidedLibraries(built.runtime),
  });
  warnShadowedLibraries(join(work, 'staging'), built.runtime, shadowing, (e) => void events.push(e));
  return events;
}

describe('warnShadowedLibraries', () => {
  const nodeImage = ['/usr/lib64/libc.so.6', '/usr/lib64/libssl.so.3', '/var/lang/lib/libssl.so.3'];

  it('warns when the layer bundles a library the runtime keeps its own copy of in /var/lang/lib', async () => {
    await writeFile(join(work, 'staging', 'lib', 'libssl.so.3'), '');
    const events = await warnings('nodejs22.x', engineWith(nodeImage));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'warning',
        code: 'shadowed-library',
        message: expect.stringMatching(
          /^the layer bundles lib\/libssl\.so\.3, but nodejs22\.x keeps its own copy/,
        ),
      }),
    ]);
  });

  it('is silent when the layer bundles none of them', async () => {
    await writeFile(join(work, 'staging', 'lib', 'libz.so.1'), '');
    expect(await warnings('nodejs22.x', engineWith(nodeImage))).toEqual([]);
  });

  it('is silent about libpython, which the Python runtime keeps in /var/lang/lib for extensions to share', async () => {
    await writeFile(join(work, 'staging', 'lib', 'libpython3.12.so.1.0'), '');
    const engine = engineWith(['/usr/lib64/libc.so.6', '/var/lang/lib/libpython3.12.so.1.0']);
    expect(await warnings('python3.12', engine)).toEqual([]);
  });
});
