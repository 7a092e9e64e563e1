import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Architecture } from '../runtimes/catalog.js';

/** Docker's names for Lambda's architectures. */
const DOCKER_ARCH: Record<Architecture, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
};

/**
 * A `docker load` archive holding one root file system as a single-layer image, with a config
 * that states the architecture. `docker import` cannot do that on older engines (it records the
 * host's arch), and an arm64 image labelled amd64 would make every later build wrong.
 */
export async function rootfsImageArchive(
  rootfsTar: string,
  tag: string,
  arch: Architecture,
): Promise<Readable> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(rootfsTar), hash);
  const diffId = `sha256:${hash.digest('hex')}`;
  const epoch = '1970-01-01T00:00:00Z';
  const config = JSON.stringify({
    ...DOCKER_ARCH[arch],
    os: 'linux',
    created: epoch,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: epoch, created_by: 'layerforge: debootstrap root file system' }],
  });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layerName = `${diffId.slice('sha256:'.length)}/layer.tar`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: [layerName] }]);
  const size = (await stat(rootfsTar)).size;

  const pack = tar.pack();
  const entry = (name: string, body: string) => pack.entry({ name, mtime: new Date(0), mode: 0o644 }, body);
  entry(configName, config);
  entry('manifest.json', manifest);
  // The layer is streamed from disk: a root file system is hundreds of MB.
  const layer = pack.entry({ name: layerName, size, mtime: new Date(0), mode: 0o644 }, (error) => {
    if (error) pack.destroy(error);
    else pack.finalize();
  });
  createReadStream(rootfsTar).pipe(layer as unknown as NodeJS.WritableStream);
  return pack as unknown as Readable;
}
