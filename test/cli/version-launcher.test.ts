// `layerforge --version` is answered by the launcher from package.json, before the bundle loads
// (issue 17: it was 8.7× `node -e 0`). It must say what the CLI itself says.
import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { runLayerforge } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

describe('the launcher and --version', () => {
  it('prints the version with no bundle to load, as the CLI prints it', async () => {
    // bin/ and package.json alone: were the bundle loaded, the import of lib/bundle/cli.js would fail.
    const dir = await tempDir();
    await cp(join(packageRoot, 'bin'), join(dir, 'bin'), { recursive: true });
    await cp(join(packageRoot, 'package.json'), join(dir, 'package.json'));
    const cli = await runLayerforge(['--version'], { cwd: dir });
    expect(cli.code).toBe(0);
    for (const flag of ['--version', '-V']) {
      const launched = await run(process.execPath, [join(dir, 'bin', 'layerforge.js'), flag], { cwd: dir });
      expect(launched.stdout).toBe(cli.stdout);
    }
  });
});
