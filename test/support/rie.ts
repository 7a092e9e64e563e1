/**
 * The Lambda Runtime Interface Emulator for the invoke tests, built once per version and arch
 * and cached under ~/.cache/layerforge-test/rie (or $LAYERFORGE_TEST_CACHE).
 *
 * Always AWS's emulator, through `go install` from the Go module proxy with the pinned
 * pseudo-version (src/core/invoke/emulator.ts); never an imitation. When it cannot be installed
 * the invoke tests fail with go's own message. Set LAYERFORGE_RIE to a binary to use it as is.
 */
import { RIE_MODULE, RIE_VERSION } from '../../src/core/invoke/emulator.js';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { goInstalled } from './go-install.js';

export interface TestEmulator {
  path: string;
  /** `aws`: AWS's emulator, installed here; `given`: $LAYERFORGE_RIE. */
  kind: 'aws' | 'given';
}

/** AWS's emulator via `go install`, for `arch`. */
function installAwsEmulator(arch: Architecture, version: string): Promise<string> {
  return goInstalled({
    module: RIE_MODULE,
    version,
    binary: 'aws-lambda-rie',
    folder: 'rie',
    key: `aws-${version}-${arch}`,
    arch,
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
