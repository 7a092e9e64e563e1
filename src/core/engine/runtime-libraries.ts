import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { LABELS, type ContainerEngine } from './container-engine.js';

/**
 * The OS library folders of a Lambda runtime image, plus Debian's multiarch ones (one level
 * down) for the stand-in. Never `/var/lang/lib`: that holds the runtime's private copies (the
 * nodejs images keep Node's own libssl there), which a layer's binaries must not count on.
 */
const LIBRARY_DIRS = ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/var/runtime', '/var/runtime/lib'];

/** A loader file name: `libz.so`, `libz.so.1`, `ld-linux-x86-64.so.2`. */
const LIBRARY_NAME = /^[\w.+-]+\.so(\.[\w.]+)?$/;

/**
 * The shared libraries (by file name, as the loader looks them up) that a runtime image provides,
 * cached by image id. Read without running anything in the image (the AL2023 images have no
 * `find`, and may lack every other tool): a container is created, never started, and each
 * library folder is streamed out through the engine's archive API and listed here.
 */
export async function readRuntimeLibraries(
  engine: ContainerEngine,
  image: string,
  options: { cacheDir: string; signal?: AbortSignal },
): Promise<string[]> {
  const id = await engine.imageId(image);
  if (!id)
    throw new JobFailedError(`runtime image ${image} is not in the engine`, {
      hint: 'build or pull the base first',
    });
  const cacheFile = join(options.cacheDir, 'runtime-libraries', `${id.replace(/^sha256:/, '')}.txt`);
  if (existsSync(cacheFile))
    return (await readFile(cacheFile, 'utf8')).split('\n').filter((l) => l.length > 0);
  const names = new Set<string>();
  const containerId = await engine.createContainer({
    image,
    // Never started; an explicit entrypoint lets the engine create it from an image with none.
    entrypoint: ['/nonexistent'],
    command: [],
    env: {},
    network: 'none',
    labels: { [LABELS.purpose]: 'runtime-libraries' },
  });
  try {
    for (const dir of LIBRARY_DIRS) {
      throwIfAborted(options.signal);
      // `/.` follows a folder that is a link (merged /usr: /lib → usr/lib) and yields its contents.
      const archive = await engine.copyFromIfPresent(containerId, `${dir}/.`);
      if (archive) await listLibraries(archive, names, options.signal);
    }
  } finally {
    await engine.removeContainer(containerId);
  }
  if (names.size === 0) throw new JobFailedError(`could not list the libraries of ${image}`);
  const sorted = [...names].sort();
  await mkdir(join(options.cacheDir, 'runtime-libraries'), { recursive: true });
  await writeFileAtomic(cacheFile, sorted.join('\n') + '\n');
  return sorted;
}

/**
 * Adds the library files and links found at most two levels down (like `find -maxdepth 2`), so
 * `/usr/lib/x86_64-linux-gnu/libz.so.1` counts and Python's own extension modules do not.
 */
async function listLibraries(archive: Readable, names: Set<string>, signal?: AbortSignal): Promise<void> {
  const entries = extract();
  const abort = () => archive.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    archive.pipe(entries);
    for await (const entry of entries) {
      // A `dir/.` archive names the folder's contents `./libz.so.1`, `./x86_64-linux-gnu/...`.
      const parts = entry.header.name.replace(/^\.\//, '').replace(/\/$/, '').split('/');
      const depth = parts.length;
      const name = parts[parts.length - 1] ?? '';
      const isFileOrLink = entry.header.type === 'file' || entry.header.type === 'symlink';
      if (isFileOrLink && depth >= 1 && depth <= 2 && LIBRARY_NAME.test(name)) names.add(name);
      entry.resume();
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    archive.destroy();
  }
  throwIfAborted(signal);
}
