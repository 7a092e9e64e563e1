import { spawn } from 'node:child_process';
import { InterruptedError } from './errors.js';
import { lineSplitter } from './engine/line-splitter.js';

/**
 * Runs a host program, streaming its output as lines; rejects with the exit code and the last
 * lines on failure. Aborting kills it.
 */
export function runProcess(
  command: string,
  args: string[],
  options: {
    onLine?: (line: string) => void;
    signal?: AbortSignal;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
  } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new InterruptedError());
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.onLine?.(line);
    };
    const child = spawn(command, args, {
      // Without one, the child inherits the environment, as spawn does by default.
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = lineSplitter(onLine);
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const kill = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      out.end();
      if (options.signal?.aborted) return reject(new InterruptedError());
      if (code === 0) return resolve();
      reject(new Error(`${command} exited with ${code ?? signal}:\n${tail.join('\n')}`));
    });
  });
}
