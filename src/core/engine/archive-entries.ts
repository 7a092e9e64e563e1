import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';
import { InterruptedError, throwIfAborted } from '../errors.js';

/** One entry of an archive from the engine: its header, its name without `./`, and its body. */
export interface ArchiveEntry {
  name: string;
  header: Header;
  body: AsyncIterable<Buffer>;
}

/**
 * Walks a tar stream from the engine's archive API (a `dir/.` archive names the folder's
 * contents `./name`), calling `visit` for each entry in order. A body `visit` does not read is
 * skipped. The archive is closed at the end, on an error, and at once when `signal` aborts (which
 * then throws): reading files through the engine needs no tool inside the image, and a stream
 * left open would hold the engine's connection.
 */
export async function walkArchive(
  archive: Readable,
  visit: (entry: ArchiveEntry) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const entries = extract();
  // An abort and an archive error end the loop below through the extractor: pipe() passes neither
  // an error nor a destroyed archive on, and the loop would wait for the next entry forever.
  const abort = () => entries.destroy(new InterruptedError());
  signal?.addEventListener('abort', abort, { once: true });
  archive.on('error', (error) => entries.destroy(error));
  try {
    if (signal?.aborted) throw new InterruptedError();
    archive.pipe(entries);
    for await (const entry of entries) {
      await visit({
        name: entry.header.name.replace(/^\.\//, ''),
        header: entry.header,
        body: entry as AsyncIterable<Buffer>,
      });
      // A no-op when visit read the body to its end.
      entry.resume();
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    archive.destroy();
  }
  throwIfAborted(signal);
}
