import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { runBuiltCli } from '../support/built-cli.js';
import { tempDir } from '../support/temp-dir.js';

// bin/layerforge.js asks Node for its on-disk compile cache (Node 22.1 and later), which Node puts
// under the OS temp folder: a second start then compiles little. CI runs this under Node 20, 22
// and 24, so both sides of the version check are held. `list`, not `--version`: the launcher
// answers a lone --version itself, before the bundle (and the compile cache) is loaded.
it('keeps compiled code in the temp folder where Node has a compile cache, and nothing where not', async () => {
  const tmp = await tempDir('lf-compile-cache-');
  const run = await runBuiltCli(['list'], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH, TMPDIR: tmp },
  });
  expect(run.code).toBe(0);
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const cache = join(tmp, 'node-compile-cache');
  if (major > 22 || (major === 22 && minor >= 1)) {
    expect((await readdir(cache, { recursive: true })).length).toBeGreaterThan(0);
  } else {
    expect(existsSync(cache)).toBe(false);
  }
});
