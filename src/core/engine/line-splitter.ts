import { Writable } from 'node:stream';

/**
 * A writable that calls `onLine` once per complete line; carriage returns (progress bars) end a
 * line too, so a build log stays readable. Call `end()` to flush the last partial line.
 */
export function lineSplitter(onLine: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      const parts = pending.split(/\r?\n|\r/);
      pending = parts.pop() ?? '';
      for (const part of parts) onLine(part);
      callback();
    },
    final(callback) {
      if (pending.length > 0) onLine(pending);
      pending = '';
      callback();
    },
  });
}
