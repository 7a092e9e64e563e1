/**
 * Runs one of node:fs's callback functions as a promise. For the few calls on `list`'s path,
 * where node:fs/promises would load FileHandle with readline, watchers and streams (about 3 ms
 * under Node 24), and node:util's promisify cannot be had for less: the bundle's import of
 * node:util reads every export, and its lazy ones load worker_threads and parseArgs.
 */
export function callbackCall<T>(
  start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
