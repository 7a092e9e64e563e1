import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, JobFailedError, UserError } from '../errors.js';
import { runProcess } from '../process.js';

/** An npm package tarball pinned by version and by its sha512 (the registry's `dist.integrity`). */
export interface PinnedPackage {
  name: string;
  version: string;
  /** `sha512-<base64>`, as npm writes integrity. */
  integrity: string;
}

export interface PinnedPackageIO {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onLine: (line: string) => void;
}

/** Writes the tarball of `spec` into `destination` (an empty folder). */
export type PackageFetcher = (spec: string, destination: string, io: PinnedPackageIO) => Promise<void>;

/**
 * `npm pack` with the user's own npm and its configuration (registry, proxy, CA): layerforge
 * names no registry, and the sha512 check makes whichever one answers equally safe.
 */
export const npmPack: PackageFetcher = async (spec, destination, io) => {
  try {
    await runProcess(
      'npm',
      [
        'pack',
        spec,
        '--loglevel=warn',
        '--pack-destination',
        destination,
        '--cache',
        join(destination, '.npm-cache'),
      ],
      { env: io.env, signal: io.signal, onLine: io.onLine },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        'npm is not on PATH; it fetches the pinned Node.js for the nodejs stand-in images',
        {
          hint: 'install npm (it comes with Node.js), or use the official images for nodejs runtimes (omit --base)',
        },
      );
    }
    throw error;
  }
};

/** The hex sha512 an integrity string names. */
export function integrityHex(integrity: string): string {
  if (!integrity.startsWith('sha512-')) throw new Error(`not a sha512 integrity: ${integrity}`);
  return Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
}

async function sha512Hex(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The path of the pinned tarball in `cacheRoot`, fetched on first use. A tarball whose sha512 is
 * not the pinned one is refused and never cached; a cached one is checked again on every use (a
 * changed file is fetched anew). The cache entry is named by content and written by one rename.
 */
export async function fetchPinnedPackage(
  pin: PinnedPackage,
  cacheRoot: string,
  io: PinnedPackageIO,
  fetcher: PackageFetcher = npmPack,
): Promise<string> {
  const want = integrityHex(pin.integrity);
  const folder = join(cacheRoot, 'npm-packages');
  const entry = join(folder, `${pin.name.replace('/', '+')}-${pin.version}-${want.slice(0, 16)}.tgz`);
  if (existsSync(entry)) {
    if ((await sha512Hex(entry)) === want) return entry;
    io.onLine(`${entry}: sha512 differs from the pin; fetching ${pin.name}@${pin.version} again`);
    await rm(entry, { force: true });
  }
  await mkdir(folder, { recursive: true });
  const work = await mkdtemp(join(folder, '.fetch-'));
  try {
    const spec = `${pin.name}@${pin.version}`;
    io.onLine(`fetching ${spec} (npm pack)`);
    try {
      await fetcher(spec, work, io);
    } catch (error) {
      if (error instanceof UserError || error instanceof InterruptedError || io.signal.aborted) throw error;
      throw new JobFailedError(`cannot fetch ${spec}`, {
        cause: error,
        details: [error instanceof Error ? error.message : String(error)],
        hint: 'npm fetches it from your npm registry: check `npm ping` and your npm proxy settings',
      });
    }
    const tarballs = (await readdir(work)).filter((name) => name.endsWith('.tgz'));
    const tarball = tarballs.length === 1 && tarballs[0] ? join(work, tarballs[0]) : undefined;
    if (!tarball) throw new JobFailedError(`npm pack ${spec} wrote ${tarballs.length} tarballs, not one`);
    const got = await sha512Hex(tarball);
    if (got !== want) {
      throw new JobFailedError(`${spec}: the tarball's sha512 is not the pinned one`, {
        details: [`pinned  ${want}`, `fetched ${got}`],
        hint: 'the registry served other bytes than the pin names: check your npm registry setting; the pin is not changed by this',
      });
    }
    await rename(tarball, entry);
    return entry;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
