import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Header } from 'tar-stream';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { walkArchive } from './archive-entries.js';
import { LABELS, type ContainerEngine } from './container-engine.js';

/**
 * The OS library folders of a Lambda runtime image, plus Debian's multiarch ones (one level
 * down) for the stand-in.
 */
const LIBRARY_DIRS = ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/var/runtime', '/var/runtime/lib'];

/**
 * The runtime's private copies (the nodejs images keep Node's own libssl.so.3 here). It comes
 * first on LD_LIBRARY_PATH, so an OS library of the same name never reaches a layer's binary:
 * the layer must bring its own.
 */
const PRIVATE_DIR = '/var/lang/lib';

/** What the image holds: the OS's library names and the runtime's private ones. */
interface RuntimeImageListing {
  system: string[];
  private: string[];
}

/** A loader file name: `libz.so`, `libz.so.1`, `ld-linux-x86-64.so.2`. */
const LIBRARY_NAME = /^[\w.+-]+\.so(\.[\w.]+)?$/;

/** What a runtime image means for a layer's libraries, by file name as the loader looks them up. */
export interface RuntimeImageLibraries {
  /**
   * What the image provides to a layer: the OS's, minus those a private copy in /var/lang/lib
   * shadows, plus the private ones the runtime means to share (`runtimeOwn`: libpython for
   * Python's extension modules).
   */
  provided: string[];
  /**
   * The runtime's private copies in /var/lang/lib (Node's OpenSSL), which a layer's copy cannot
   * override through LD_LIBRARY_PATH: /var/lang/lib comes first.
   */
  shadowing: string[];
}

/** Both lists from one (cached) reading of the image. */
export async function readRuntimeImageLibraries(
  engine: ContainerEngine,
  image: string,
  options: { cacheDir: string; signal?: AbortSignal; runtimeOwn?: string[] },
): Promise<RuntimeImageLibraries> {
  const listing = await listRuntimeImage(engine, image, options);
  const own = new Set(options.runtimeOwn ?? []);
  const shadowing = listing.private.filter((name) => !own.has(name));
  const shadowed = new Set(shadowing);
  const provided = new Set([
    ...listing.system.filter((name) => !shadowed.has(name)),
    ...listing.private.filter((name) => own.has(name)),
  ]);
  return { provided: [...provided].sort(), shadowing };
}

/** The libraries a runtime image provides to a layer (see RuntimeImageLibraries.provided). */
export async function readRuntimeLibraries(
  engine: ContainerEngine,
  image: string,
  options: { cacheDir: string; signal?: AbortSignal; runtimeOwn?: string[] },
): Promise<string[]> {
  return (await readRuntimeImageLibraries(engine, image, options)).provided;
}

/**
 * Lists a runtime image's library folders, cached by image id. Read without running anything in
 * the image (the AL2023 images have no `find`, and may lack every other tool): a container is
 * created, never started, and each folder is streamed out through the engine's archive API.
 */
async function listRuntimeImage(
  engine: ContainerEngine,
  image: string,
  options: { cacheDir: string; signal?: AbortSignal },
): Promise<RuntimeImageListing> {
  const id = await engine.imageId(image);
  if (!id)
    throw new JobFailedError(`runtime image ${image} is not in the engine`, {
      hint: 'build or pull the base first',
    });
  const cacheFile = join(options.cacheDir, 'runtime-libraries', `${id.replace(/^sha256:/, '')}.json`);
  if (existsSync(cacheFile)) return JSON.parse(await readFile(cacheFile, 'utf8')) as RuntimeImageListing;
  const names = new Set<string>();
  const privateNames = new Set<string>();
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
    // Each folder once: with merged /usr, /lib and /usr/lib are one folder. Streamed twice, the
    // debian12 image's (77 MB of tar) made its listing take 1.3-1.4 s instead of 0.9-1.0 s.
    const listed = new Set<string>();
    for (const dir of LIBRARY_DIRS) {
      throwIfAborted(options.signal);
      await listFolder(engine, containerId, dir, { listed, names, signal: options.signal });
    }
    const archive = await engine.copyFromIfPresent(containerId, `${PRIVATE_DIR}/.`);
    if (archive) await listLibraries(archive, privateNames, options.signal, 1);
  } finally {
    await engine.removeContainer(containerId);
  }
  if (names.size === 0) throw new JobFailedError(`could not list the libraries of ${image}`);
  const listing = { system: [...names].sort(), private: [...privateNames].sort() };
  await mkdir(join(options.cacheDir, 'runtime-libraries'), { recursive: true });
  await writeFileAtomic(cacheFile, JSON.stringify(listing, null, 2) + '\n');
  return listing;
}

/**
 * Adds the libraries of `dir`, its links followed (merged /usr: /lib → usr/lib), unless that
 * folder is in `listed` already (read, or found absent). Asked for without `/.`, the archive API
 * sends a link as itself, and a folder as `name/…`: one request each, whichever it is. An engine
 * that followed the link would send its folder under the link's name, listed then as before,
 * twice.
 */
async function listFolder(
  engine: ContainerEngine,
  containerId: string,
  dir: string,
  into: { listed: Set<string>; names: Set<string>; signal?: AbortSignal },
): Promise<void> {
  let path = dir;
  // A bounded number of hops: a loop of links must not hang the listing.
  for (let hop = 0; hop < 8 && !into.listed.has(path); hop += 1) {
    const archive = await engine.copyFromIfPresent(containerId, path);
    if (!archive) return void into.listed.add(path);
    const top = posix.basename(path);
    let link: string | undefined;
    await walkArchive(
      archive,
      ({ name, header }) => {
        if (name === top && header.type === 'symlink') link = header.linkname;
        else if (name.startsWith(`${top}/`)) addLibrary(name.slice(top.length + 1), header, into.names);
      },
      into.signal,
    );
    if (link === undefined) {
      into.listed.add(path);
      return;
    }
    path = posix.resolve(posix.dirname(path), link);
  }
}

/**
 * Adds the library files and links of an archive of a folder's contents (`dir/.`) found at most
 * `maxDepth` levels down.
 */
async function listLibraries(
  archive: Readable,
  names: Set<string>,
  signal?: AbortSignal,
  maxDepth = 2,
): Promise<void> {
  await walkArchive(archive, ({ name, header }) => addLibrary(name, header, names, maxDepth), signal);
}

/**
 * Adds the entry at `path` (relative to the folder listed) when it is a library file or link at
 * most `maxDepth` levels down. Two by default, like `find -maxdepth 2`: so
 * `/usr/lib/x86_64-linux-gnu/libz.so.1` counts and Python's own extension modules do not.
 */
function addLibrary(path: string, header: Header, names: Set<string>, maxDepth = 2): void {
  const parts = path.replace(/\/$/, '').split('/');
  const depth = parts.length;
  const name = parts[parts.length - 1] ?? '';
  const isFileOrLink = header.type === 'file' || header.type === 'symlink';
  if (isFileOrLink && depth >= 1 && depth <= maxDepth && LIBRARY_NAME.test(name)) names.add(name);
}
