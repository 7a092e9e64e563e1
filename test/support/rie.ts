/**
 * The Lambda Runtime Interface Emulator for the invoke tests, built once per version and arch
 * and cached under ~/.cache/layerforge-test/rie (or $LAYERFORGE_TEST_CACHE).
 *
 * Always AWS's emulator, through `go install` from the Go module proxy with the pinned
 * pseudo-version (src/core/invoke/emulator.ts); never an imitation. When it cannot be installed
 * the invoke tests fail with go's own message. Set LAYERFORGE_RIE to a binary to use it as is.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RIE_MODULE, RIE_VERSION } from '../../src/core/invoke/emulator.js';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { testCacheDir } from './fetch-real-binaries.js';

const run = promisify(execFile);
const GOARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };

export interface TestEmulator {
  path: string;
  /** `aws`: AWS's emulator, installed here; `given`: $LAYERFORGE_RIE. */
  kind: 'aws' | 'given';
}

function goBinary(): string {
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

async function go(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  try {
    await run(goBinary(), args, {
      env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux', ...env },
      cwd,
      timeout: 600_000,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `go ${args.join(' ')}: ${(e.stderr ?? '').trim().split('\n').slice(-3).join(' ') || e.message}`,
    );
  }
}

/** Builds into a private folder, then renames the binary into place: a cache entry is whole or absent. */
async function cachedBinary(key: string, build: (scratch: string) => Promise<string>): Promise<string> {
  const target = join(testCacheDir(), 'rie', key, 'aws-lambda-rie');
  if (existsSync(target)) return target;
  await mkdir(join(testCacheDir(), 'rie', key), { recursive: true });
  // A build folder in the cache, not from test/support/temp-dir.ts: it runs in beforeAll hooks,
  // beside the entry it fills, and is removed here whether the build works or not.
  const scratch = await mkdtemp(join(testCacheDir(), 'rie', '.build-'));
  try {
    const built = await build(scratch);
    await chmod(built, 0o755);
    await copyFile(built, `${target}.partial`);
    await chmod(`${target}.partial`, 0o755);
    await rename(`${target}.partial`, target);
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** AWS's emulator via `go install` (GOBIN cannot take cross-compiled binaries, so arm64 uses a GOPATH). */
async function installAwsEmulator(arch: Architecture, version: string): Promise<string> {
  return cachedBinary(`aws-${version}-${arch}`, async (scratch) => {
    const gopath = join(scratch, 'gopath');
    await go(['install', `${RIE_MODULE}@${version}`], {
      GOARCH: GOARCH[arch],
      GOPATH: gopath,
      GOMODCACHE: join(testCacheDir(), 'go-mod'),
      GOFLAGS: '-mod=mod',
    });
    const native = join(gopath, 'bin', 'aws-lambda-rie');
    return existsSync(native) ? native : join(gopath, 'bin', `linux_${GOARCH[arch]}`, 'aws-lambda-rie');
  });
}

const resolved = new Map<Architecture, Promise<TestEmulator>>();

/** The emulator the invoke tests drive, for `arch`. */
export function testEmulator(arch: Architecture = 'x86_64'): Promise<TestEmulator> {
  let found = resolved.get(arch);
  if (!found) {
    found = findTestEmulator(arch);
    resolved.set(arch, found);
  }
  return found;
}

async function findTestEmulator(arch: Architecture): Promise<TestEmulator> {
  if (process.env.LAYERFORGE_RIE) return { path: process.env.LAYERFORGE_RIE, kind: 'given' };
  const version = process.env.LAYERFORGE_RIE_VERSION ?? RIE_VERSION;
  return { path: await installAwsEmulator(arch, version), kind: 'aws' };
}
