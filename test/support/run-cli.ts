import { runCli } from '../../src/cli.js';
import type { LayerforgeEvent } from '../../src/core/events.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines, for commands run with --json that stream events. */
  events: LayerforgeEvent[];
}

/** Runs layerforge in-process, as a user would from `cwd`, capturing everything it writes. */
export async function runLayerforge(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...process.env, ...options.env },
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
