/**
 * actionlint, the linter for GitHub Actions workflows, for the tests of `layerforge ci github`:
 * the Go module from the Go module proxy at a pinned version (test/support/go-install.ts), never
 * a stand-in. It runs shellcheck on each `run:` script when shellcheck is on PATH; .ci/run
 * installs it, and `actionlint()` refuses to run without it rather than check less.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { goInstalled } from './go-install.js';

const run = promisify(execFile);

export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';
export const ACTIONLINT_VERSION = 'v1.7.12';

/** One problem actionlint reports, from its JSON output. */
export interface ActionlintError {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

let binary: Promise<string> | undefined;

/** The actionlint binary, built once per version. */
export function actionlintBinary(): Promise<string> {
  binary ??= goInstalled({
    module: ACTIONLINT_MODULE,
    version: ACTIONLINT_VERSION,
    binary: 'actionlint',
    folder: 'actionlint',
    key: ACTIONLINT_VERSION,
  });
  return binary;
}

async function shellcheckOnPath(): Promise<void> {
  try {
    await run('shellcheck', ['--version']);
  } catch {
    throw new Error(
      'shellcheck is not on PATH: actionlint would not check the run: scripts (apt-get install shellcheck; .ci/run does)',
    );
  }
}

/** actionlint's findings on the given workflow files: [] when it accepts them all. */
export async function actionlint(files: string[]): Promise<ActionlintError[]> {
  await shellcheckOnPath();
  const bin = await actionlintBinary();
  // Exit 1 means "found problems", with the JSON on stdout; anything else is a failure to run.
  const result = await run(bin, ['-format', '{{json .}}', '-no-color', ...files]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`actionlint exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const findings = JSON.parse(result.stdout.trim() || '[]') as ActionlintError[] | null;
  if (result.code === 1 && (findings ?? []).length === 0) {
    throw new Error(`actionlint exited 1 without findings: ${result.stderr.trim()}`);
  }
  return findings ?? [];
}
