import type { CliIO } from './commands/command.js';

/** What the CLI writes to: `write`, plus a real stream's `error` events and buffer state. */
interface OutputStream {
  write(text: string): unknown;
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  once?(event: string, listener: () => void): unknown;
  removeListener?(event: string, listener: () => void): unknown;
  writableLength?: number;
}

/** The reader went away: `| head -1`, `| true`, a closed socket. Not a failure of ours. */
function readerGone(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

export interface GuardedOutput {
  /** The command's io: writes after stdout closed are dropped, and the signal also fires then. */
  io: CliIO;
  /** stdout can no longer be written (its reader went away, or it failed): the job was cancelled for it. */
  stdoutGone(): boolean;
  /**
   * Waits for the last writes to land (or fail), then returns the exit code: 0 when stdout's
   * reader went away, 1 with a message when stdout failed otherwise, else the command's own.
   */
  finish(code: number): Promise<number>;
}

/**
 * Watches stdout and stderr the way Unix tools behave in a pipeline, with exit 0 instead of
 * SIGPIPE's 141:
 * - stdout's reader gone (EPIPE): the job is cancelled as by Ctrl-C (containers and temporary
 *   files removed), nothing more is printed, and the process exits 0. A reader that stopped
 *   after the line it wanted (`| head -1`) did not make the command fail.
 * - stdout failing otherwise (a full disk under `> file`): the job is cancelled and the error
 *   is reported on stderr with exit 1; a result that could not be written is a failure.
 * - stderr's reader gone: progress and messages are dropped and the job goes on; its results
 *   still reach stdout and its exit code still says how it went. Any other stderr error is
 *   left unhandled, as before: there is nowhere left to report it.
 */
export function guardOutput(io: CliIO): GuardedOutput {
  const controller = new AbortController();
  const forward = () => controller.abort(io.signal.reason);
  if (io.signal.aborted) forward();
  else io.signal.addEventListener('abort', forward, { once: true });

  let closed = false;
  let failure: NodeJS.ErrnoException | undefined;
  const stdout = io.stdout as OutputStream;
  stdout.on?.('error', (error) => {
    if (closed || failure) return;
    if (readerGone(error)) closed = true;
    else failure = error;
    controller.abort();
  });

  let stderrGone = false;
  const stderr = io.stderr as OutputStream;
  stderr.on?.('error', (error) => {
    if (!readerGone(error)) throw error;
    stderrGone = true;
  });

  return {
    io: {
      ...io,
      stdout: { write: (text) => (closed || failure ? true : stdout.write(text)) },
      stderr: { write: (text) => (stderrGone ? true : stderr.write(text)) },
      signal: controller.signal,
    },
    stdoutGone: () => closed || failure !== undefined,
    async finish(code) {
      await flushed(stdout);
      io.signal.removeEventListener('abort', forward);
      if (failure) {
        if (!stderrGone) {
          stderr.write(
            `error: cannot write to standard output: ${failure.message}\nhint: check where stdout goes (a full disk, a closed file)\n`,
          );
        }
        return 1;
      }
      return closed ? 0 : code;
    },
  };
}

/**
 * Resolves once what was written to `stream` has been handed to the system or has failed. A
 * failed write reports its error on the next tick, so one turn of the event loop comes last.
 */
async function flushed(stream: OutputStream): Promise<void> {
  if ((stream.writableLength ?? 0) > 0 && stream.once && stream.removeListener) {
    const once = stream.once.bind(stream);
    const removeListener = stream.removeListener.bind(stream);
    await new Promise<void>((resolve) => {
      const done = () => {
        for (const event of ['drain', 'error', 'close']) removeListener(event, done);
        resolve();
      };
      for (const event of ['drain', 'error', 'close']) once(event, done);
    });
  }
  await new Promise((resolve) => setImmediate(resolve));
}
