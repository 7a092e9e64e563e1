/**
 * The Lambda Runtime Interface Emulator for the invoke tests, built once per version and arch
 * and cached under ~/.cache/layerforge-test/rie (or $LAYERFORGE_TEST_CACHE).
 *
 * First choice is AWS's emulator, through `go install` from the Go module proxy with the pinned
 * version (src/core/invoke/emulator.ts). On this project's machines the proxy answers 403 for that
 * module, so the tests then build layerforge's stand-in (test/support/rie-stand-in: the same
 * invoke endpoint, Runtime API and REPORT lines, Go standard library only) and say so loudly.
 * Set LAYERFORGE_TEST_REQUIRE_AWS_RIE=1 to make the fallback a failure, or LAYERFORGE_RIE to a
 * binary to use it as is.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RIE_MODULE, RIE_VERSION } from '../../src/core/invoke/emulator.js';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { testCacheDir } from './fetch-real-binaries.js';

const run = promisify(execFile);
const GOARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };
const standInSource = join(import.meta.dirname, 'rie-stand-in');

export interface TestEmulator {
  path: string;
  /** `aws`: AWS's emulator; `stand-in`: layerforge's test stand-in; `given`: $LAYERFORGE_RIE. */
  kind: 'aws' | 'stand-in' | 'given';
  /** Why AWS's emulator could not be had, when the stand-in is used. */
  why?: string;
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

/** layerforge's stand-in, keyed by its source so an edit rebuilds it; offline (GOPROXY=off). */
async function buildStandIn(arch: Architecture): Promise<string> {
  const source = await readFile(join(standInSource, 'main.go'));
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  return cachedBinary(`stand-in-${digest}-${arch}`, async (scratch) => {
    const out = join(scratch, 'aws-lambda-rie');
    await go(
      ['build', '-trimpath', '-ldflags=-s -w', '-o', out, '.'],
      { GOARCH: GOARCH[arch], GOPROXY: 'off', GOFLAGS: '-mod=mod' },
      standInSource,
    );
    return out;
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
  try {
    return { path: await installAwsEmulator(arch, version), kind: 'aws' };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (process.env.LAYERFORGE_TEST_REQUIRE_AWS_RIE === '1')
      throw new Error(
        `AWS's emulator is required (LAYERFORGE_TEST_REQUIRE_AWS_RIE=1) but could not be installed: ${why}`,
      );
    console.warn(
      `\n⚠ AWS's Runtime Interface Emulator could not be installed (${why}).\n⚠ The invoke tests use layerforge's stand-in emulator (test/support/rie-stand-in), NOT AWS's.\n`,
    );
    return { path: await buildStandIn(arch), kind: 'stand-in', why };
  }
}
