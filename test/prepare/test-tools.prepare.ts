// The tools the integration tests build or install on first use, made ready ahead of them. On a
// fresh machine .ci/run runs this project in the background while the base images build, whose
// emulated arm64 half leaves a core idle for minutes, so `npm test` finds them in the test cache.
// `npm test` runs them again: cache hits once installed, each run once to show it works.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES } from '../../src/core/runtimes/catalog.js';
import { ACTIONLINT_VERSION, actionlintBinary } from '../support/actionlint.js';
import { ensureMoto, MOTO_VERSION } from '../support/moto.js';
import { testEmulator } from '../support/rie.js';
import { ensureSpdxTools, SPDX_TOOLS_VERSION } from '../support/spdx-tools.js';

const run = promisify(execFile);
// A first install compiles Go programs or fills a virtualenv from the package index.
const INSTALL_MS = 10 * 60_000;

describe('the tools the integration tests use', () => {
  it.each(ARCHITECTURES)(
    "AWS's runtime interface emulator for %s, built from the Go module proxy",
    async (arch) => {
      const emulator = await testEmulator(arch);
      const { stdout } = await run('file', ['-b', emulator.path]);
      expect(stdout).toMatch(arch === 'x86_64' ? /ELF 64-bit .* x86-64/ : /ELF 64-bit .* ARM aarch64/);
    },
    INSTALL_MS,
  );

  it(
    'actionlint, built from the Go module proxy',
    async () => {
      const { stdout } = await run(await actionlintBinary(), ['-version']);
      expect(stdout).toContain(ACTIONLINT_VERSION.replace(/^v/, ''));
    },
    INSTALL_MS,
  );

  it(
    "moto's server, in its own virtualenv",
    async () => {
      const server = await ensureMoto();
      expect((await run(server, ['--help'])).stdout).toContain('usage');
      const { stdout } = await run(join(dirname(server), 'python'), ['-m', 'pip', 'show', 'moto']);
      expect(stdout).toContain(`Version: ${MOTO_VERSION}`);
    },
    INSTALL_MS,
  );

  it(
    "the SPDX project's validator, in its own virtualenv",
    async () => {
      const python = await ensureSpdxTools();
      const { stdout } = await run(python, ['-m', 'pip', 'show', 'spdx-tools']);
      expect(stdout).toContain(`Version: ${SPDX_TOOLS_VERSION}`);
    },
    INSTALL_MS,
  );
});
