import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';

export interface BuiltCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails when lib/ is missing: these tests run the CLI a user installs (`npm test` builds it). */
export function requireBuiltCli(): string {
  const bin = join(packageRoot, 'bin', 'layerforge.js');
  if (!existsSync(join(packageRoot, 'lib', 'cli.js'))) {
    throw new Error('lib/ is not built: run `npm run build` first (`npm test` does)');
  }
  return bin;
}

/**
 * Runs bin/layerforge.js as its own process with exactly `env` (nothing of this process's
 * environment leaks in): the AWS SDK then reads the same variables layerforge does, as for a user.
 */
export function runBuiltCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<BuiltCliRun> {
  const bin = requireBuiltCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
