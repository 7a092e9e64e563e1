import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';

/**
 * A writable that calls `onLine` once per complete line; carriage returns (progress bars) end a
 * line too, so a build log stays readable. Bytes are decoded as UTF-8 across chunk boundaries,
 * and a `\r` at a chunk's end waits for the next chunk in case a `\n` follows.
 */
export function lineSplitter(onLine: (line: string) => void): Writable {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const flush = (text: string, final: boolean) => {
    pending += text;
    // Keep a trailing \r back: with the next chunk's \n it is one CRLF, not two line ends.
    const cut = !final && pending.endsWith('\r') ? pending.length - 1 : pending.length;
    const parts = pending.slice(0, cut).split(/\r?\n|\r/);
    pending = (parts.pop() ?? '') + pending.slice(cut);
    for (const part of parts) onLine(part);
  };
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      flush(typeof chunk === 'string' ? chunk : decoder.write(chunk), false);
      callback();
    },
    final(callback) {
      flush(decoder.end(), true);
      if (pending.replace(/\r$/, '').length > 0) onLine(pending.replace(/\r$/, ''));
      pending = '';
      callback();
    },
  });
}
