// The one way tests make a temporary folder. It used to be four (mkdtemp with an afterEach or
// afterAll rm, mkdtempSync on import, two harness helpers), and a few tests removed nothing,
// which left hundreds of lf-* folders in the OS temp dir. Here every folder has one owner that
// removes it, pass or fail:
//   tempDir(prefix)        in a test or a beforeEach: the folder of that one test;
//   sharedTempDir(prefix)  at the top of a file or describe: one folder its tests share.
// Folders a test makes inside one of these (mkdir, or mkdtemp for a unique name) go with it. The
// test cache's staging folders are not temporary folders of a test: see fetch-real-binaries.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';

// Read once, on import: some tests point $TMPDIR into one of these folders to watch what the code
// under test writes there, and a folder made meanwhile must not land inside it.
const OS_TEMP = tmpdir();

const remove = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * A fresh folder under the OS temp dir, removed when the running test finishes (after its
 * afterEach hooks). Call it inside a test or a beforeEach; anywhere else it throws, before making
 * anything. `keep: true` leaves the folder in place, for one a person is meant to look at after
 * the run; the caller must say where it is.
 */
export async function tempDir(
  prefix = 'layerforge-test-',
  options: { keep?: boolean } = {},
): Promise<string> {
  if (options.keep) return mkdtemp(join(OS_TEMP, prefix));
  // Registered first: outside a test this throws before a folder is made.
  let dir = '';
  onTestFinished(async () => {
    if (dir) await remove(dir);
  });
  dir = await mkdtemp(join(OS_TEMP, prefix));
  return dir;
}

/**
 * One folder under the OS temp dir for all the tests of the calling file or describe block: made
 * in a beforeAll, removed in an afterAll. Call it at the top level of the file or block, before the
 * hooks that use it: with vitest's default sequence.hooks ('stack') before hooks run in the order
 * they were registered and after hooks in reverse, so the folder is there for all of them. Read
 * `.path` in hooks and tests.
 */
export function sharedTempDir(prefix = 'layerforge-test-'): { readonly path: string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(OS_TEMP, prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await remove(dir);
    dir = undefined;
  });
  return {
    get path() {
      if (dir === undefined)
        throw new Error('sharedTempDir().path is there only in the hooks and tests of its block');
      return dir;
    },
  };
}
