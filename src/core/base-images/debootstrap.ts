import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, JobFailedError, UserError } from '../errors.js';
import type { JobContext } from '../job-context.js';
import { runProcess } from '../process.js';
import type { Architecture } from '../runtimes/catalog.js';
import type { DebootstrapBase } from './definition.js';

/** Debian's architecture names. */
const DEBIAN_ARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };

/**
 * The Debian mirror this machine already uses, so nothing is hard-coded: $LAYERFORGE_DEBIAN_MIRROR,
 * else the first URI in apt's configuration.
 */
export function debianMirror(env: NodeJS.ProcessEnv): string {
  if (env.LAYERFORGE_DEBIAN_MIRROR) return env.LAYERFORGE_DEBIAN_MIRROR;
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const match = /^URIs:\s*(\S+)/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(text);
    if (match?.[1]) return match[1];
  }
  throw new UserError('no Debian mirror configured', {
    hint: 'set LAYERFORGE_DEBIAN_MIRROR to a Debian mirror URL',
  });
}

/** When debootstrap stops, the environment it reads the mirror from, and where its output lines go. */
export type RootfsIO = Pick<JobContext, 'signal' | 'env'> & { onLine: (line: string) => void };

/** Where Debian installs debootstrap (it is in root's PATH only). */
export const DEBOOTSTRAP_PATHS = ['/usr/sbin/debootstrap', '/usr/bin/debootstrap'] as const;

/** The debootstrap program, or undefined when it is not installed. */
export function findDebootstrap(): string | undefined {
  return DEBOOTSTRAP_PATHS.find((path) => existsSync(path));
}

/**
 * Builds a root file system tarball with debootstrap, cached at `tarball`. Needs root and
 * debootstrap on the host (and QEMU user emulation for a foreign arch).
 */
export async function buildRootfsTarball(
  source: DebootstrapBase['source'],
  arch: Architecture,
  tarball: string,
  io: RootfsIO,
): Promise<void> {
  if (existsSync(tarball)) return;
  if (findDebootstrap() === undefined) {
    throw new UserError(
      'debootstrap is not installed; it builds the offline base images from Debian packages',
      {
        hint: 'install it (`sudo apt-get install debootstrap`), or use the official images (omit --base)',
      },
    );
  }
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'building the offline base image needs root (debootstrap creates device nodes and chroots)',
      {
        hint: 'run `sudo layerforge base build debian12` once; later builds reuse the image',
      },
    );
  }
  const work = await mkdtemp(join(tarball + '.work-'));
  const rootfs = join(work, 'rootfs');
  try {
    await runProcess(
      'debootstrap',
      [
        `--variant=${source.variant}`,
        `--arch=${DEBIAN_ARCH[arch]}`,
        `--include=${source.include.join(',')}`,
        source.suite,
        rootfs,
        debianMirror(io.env),
      ],
      { onLine: io.onLine, signal: io.signal },
    );
    // Package caches are not part of an image; removing them keeps the tarball small.
    await rm(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
    const partial = join(work, 'rootfs.tar');
    await runProcess('tar', ['--numeric-owner', '-C', rootfs, '-cf', partial, '.'], { signal: io.signal });
    await rename(partial, tarball);
  } catch (error) {
    if (error instanceof InterruptedError || error instanceof UserError) throw error;
    throw new JobFailedError(`debootstrap of ${source.suite} (${arch}) failed`, {
      cause: error,
      details: String(error instanceof Error ? error.message : error)
        .split('\n')
        .slice(-15),
      hint:
        arch === 'arm64'
          ? 'arm64 needs QEMU user emulation registered (qemu-user-static, binfmt_misc)'
          : 'check the Debian mirror is reachable',
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
