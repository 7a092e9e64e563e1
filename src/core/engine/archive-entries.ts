import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';
import { InterruptedError, throwIfAborted } from '../errors.js';
import { collectBuffersAsRead } from '../young-generation.js';

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
  const stopListening = endExtractorWith(archive, entries, signal);
  try {
    if (signal?.aborted) throw new InterruptedError();
    archive.pipe(entries);
    collectBuffersAsRead(archive);
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
    stopListening();
    archive.destroy();
  }
  throwIfAborted(signal);
}

/**
 * Makes an abort of `signal` and an error of `archive` destroy `extractor`, which reads the archive
 * through pipe(): pipe() passes neither on, and whatever waits on the extractor would wait forever.
 * Called before the caller's first await: an 'error' with no listener yet would end the process.
 * Returns the removal of the abort listener.
 */
export function endExtractorWith(
  archive: Readable,
  extractor: { destroy(error: Error): void },
  signal: AbortSignal | undefined,
): () => void {
  const abort = () => extractor.destroy(new InterruptedError());
  signal?.addEventListener('abort', abort, { once: true });
  archive.on('error', (error) => extractor.destroy(error));
  return () => signal?.removeEventListener('abort', abort);
}
