// Cancelling a container run on the real engine: the container is gone when the call returns,
// also when removing it takes a while (a writable layer with many files, as a build leaves).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { extractOptArchive } from '../../src/core/builder/extract.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { InterruptedError } from '../../src/core/errors.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { sharedTempDir } from '../support/temp-dir.js';

const engine = new DockerEngine();
let image = '';
const shared = sharedTempDir('layerforge-it-engine-cancel-');
let work = '';

beforeAll(async () => {
  requireDocker();
  image = (await resolveBase(await loadBaseImage('debian12'), getRuntime('python3.11'), 'x86_64'))
    .runtimeImage;
  expect(await engine.imageId(image), `${image}: run \`layerforge base build debian12\``).toBeDefined();
  work = shared.path;
});

/** A label value no other run shares, so the test looks only at its own containers. */
const purpose = (name: string) => `engine-cancel-${name}-${process.pid}`;

describe('cancelling a container', () => {
  it('returns only after the container is removed, however long its removal takes', async () => {
    const label = purpose('slow-removal');
    const controller = new AbortController();
    // 40,000 files in the container's writable layer: removing it takes the engine a moment.
    const script =
      'import os\nos.makedirs("/var/tmp/many")\nfor i in range(40000): open(f"/var/tmp/many/{i}", "w").close()\nprint("ready", flush=True)\nimport time\ntime.sleep(600)';
    const run = engine.runContainer(
      {
        image,
        entrypoint: ['python3', '-c'],
        command: [script],
        env: {},
        labels: { 'dev.layerforge.purpose': label },
        network: 'none',
      },
      (line) => {
        if (line === 'ready') controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(controller.signal.aborted).toBe(true);
    expect(containersWithLabel(`dev.layerforge.purpose=${label}`)).toEqual([]);
  }, 300_000);

  it('an aborted extract closes the archive, so the stopped container can be removed', async () => {
    const label = purpose('archive');
    const run = await engine.runContainer(
      {
        image,
        entrypoint: ['/bin/sh', '-c'],
        // More than the socket buffers hold: unread, the engine cannot finish sending the archive.
        command: ['mkdir -p /opt/share && head -c 64000000 /dev/zero > /opt/share/zeros'],
        env: {},
        labels: { 'dev.layerforge.purpose': label },
        network: 'none',
      },
      () => {},
    );
    expect(run.exitCode).toBe(0);
    const controller = new AbortController();
    controller.abort();
    // The abort came before a byte was read: the archive is never consumed.
    const archive = await engine.copyFrom(run.id, '/opt');
    await expect(
      extractOptArchive(archive, join(work, 'opt'), { sink: () => {}, signal: controller.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    // The engine holds the container's lock while the archive is open: this waited forever.
    let timer: NodeJS.Timeout | undefined;
    const removed = await Promise.race([
      engine.removeContainer(run.id).then(() => 'removed'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting after 60 s'), 60_000))),
    ]);
    clearTimeout(timer);
    expect(removed).toBe('removed');
    expect(containersWithLabel(`dev.layerforge.purpose=${label}`)).toEqual([]);
  }, 120_000);
});
