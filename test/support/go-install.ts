/**
 * Go programs the tests run (AWS's runtime interface emulator, actionlint), built with
 * `go install` from the Go module proxy at a pinned version and cached by that version under the
 * test cache (~/.cache/layerforge-test, or $LAYERFORGE_TEST_CACHE). When go cannot build one,
 * the test fails with go's own message: never a skip. .ci/run installs Go on a fresh machine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { testCacheDir } from './fetch-real-binaries.js';

const run = promisify(execFile);
const GOARCH: Record<Architecture, string> = { x86_64: 'amd64', arm64: 'arm64' };

function goBinary(): string {
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

async function go(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(goBinary(), args, {
      // GOTOOLCHAIN=local: the machine's Go builds it, never one fetched because a go.mod asks.
      env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux', ...env },
      timeout: 600_000,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `go ${args.join(' ')}: ${(e.stderr ?? '').trim().split('\n').slice(-3).join(' ') || e.message}`,
    );
  }
}

export interface GoProgram {
  /** The package path of the command, e.g. github.com/rhysd/actionlint/cmd/actionlint. */
  module: string;
  version: string;
  /** The binary's name, the last element of the package path. */
  binary: string;
  /** The folder under the test cache, and the entry in it: `<folder>/<key>/<binary>`. */
  folder: string;
  key: string;
  /** Cross-compiles for this arch; default: the machine's. */
  arch?: Architecture;
}

/**
 * The program's binary, built on first use. Built in a private folder, then renamed into place:
 * a cache entry is whole or absent. GOBIN cannot take cross-compiled binaries, so a GOPATH is used.
 */
export async function goInstalled(program: GoProgram): Promise<string> {
  const dir = join(testCacheDir(), program.folder, program.key);
  const target = join(dir, program.binary);
  if (existsSync(target)) return target;
  await mkdir(dir, { recursive: true });
  // A build folder in the cache, not from test/support/temp-dir.ts: it runs in beforeAll hooks,
  // beside the entry it fills, and is removed here whether the build works or not.
  const scratch = await mkdtemp(join(testCacheDir(), program.folder, '.build-'));
  try {
    const gopath = join(scratch, 'gopath');
    const goarch = program.arch === undefined ? {} : { GOARCH: GOARCH[program.arch] };
    await go(['install', `${program.module}@${program.version}`], {
      ...goarch,
      GOPATH: gopath,
      GOMODCACHE: join(testCacheDir(), 'go-mod'),
      GOFLAGS: '-mod=mod',
    });
    const native = join(gopath, 'bin', program.binary);
    const built = existsSync(native)
      ? native
      : join(gopath, 'bin', `linux_${goarch.GOARCH ?? ''}`, program.binary);
    await chmod(built, 0o755);
    await copyFile(built, `${target}.partial`);
    await chmod(`${target}.partial`, 0o755);
    await rename(`${target}.partial`, target);
    return target;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
