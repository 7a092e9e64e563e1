import { runCli } from '../../src/cli.js';
import type { LayerforgeEvent } from '../../src/core/events.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines, for commands run with --json that stream events. */
  events: LayerforgeEvent[];
}

export interface RunOptions {
  cwd: string;
  /** The environment the command sees. */
  env?: NodeJS.ProcessEnv;
  /**
   * Put `env` over this process's environment (PATH, DOCKER_HOST …), as the Docker tests need;
   * otherwise the command sees `env` alone, so no LAYERFORGE_* or AWS_* variable leaks in.
   */
  inheritEnv?: boolean;
  signal?: AbortSignal;
}

/**
 * Runs layerforge in-process, as a user would from `cwd`, capturing everything it writes: the
 * one harness for every test that drives the CLI. Without a terminal, so no picker.
 */
export async function runLayerforge(args: string[], options: RunOptions): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const env = options.env ?? {};
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.inheritEnv ? { ...process.env, ...env } : env,
    cwd: options.cwd,
    isTTY: false,
    signal: options.signal ?? new AbortController().signal,
  });
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{"type":'))
    .map((line) => JSON.parse(line) as LayerforgeEvent);
  return { code, stdout, stderr, events };
}

/** The Docker-backed tests' form: the machine's environment with `env` over it. */
export function runLayerforgeInheritingEnv(
  args: string[],
  options: Omit<RunOptions, 'inheritEnv'>,
): Promise<CliRun> {
  return runLayerforge(args, { ...options, inheritEnv: true });
}
