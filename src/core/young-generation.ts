import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Stops V8's young generation from growing for the rest of the process.
 *
 * V8 starts the young generation at 1 MB and doubles it as objects survive its collections, up
 * to 32 MB under Node 20 and 22 and 128 MB under Node 24; a build's module loading and file lists
 * get it there within seconds. A larger young generation is collected less often, and every
 * Buffer in it (tar chunks, file bodies for the zip) stays allocated until it is: a cold pandas
 * build (the runtime image's library list already cached) peaked at about 160 MB under Node 20
 * and 172 MB under Node 24 with it, and at 126-134 MB and 140-160 MB held small, in the same time.
 *
 * V8 reads the growth factor each time it would grow the space, so setting it now takes effect
 * now (Node 24's V8 still resizes the space in smaller steps, to 2-5 MB rather than 32-64 MB).
 * The size limit (--max-semi-space-size) is read only at start-up, which layerforge does not
 * control (npm's launcher runs `node` without flags). test/unit/young-generation.test.ts checks
 * that each Node in CI still honours the flag.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** How much of a stream is read between two collections (see collectYoungGenerationAsRead). */
const COLLECT_EVERY_BYTES = 1024 * 1024;

let collectYoung: (() => void) | undefined;

/**
 * Collects the young generation after each MiB that `stream` yields; called once its consumer
 * is attached (a 'data' listener added earlier would start the flow without it).
 *
 * A tar from the engine's archive API arrives in 64 KiB socket reads, each its own allocation
 * outside V8's heap, while the JavaScript it takes to pass one on is a few hundred bytes. So the
 * young generation seldom fills, and V8 collects the dead chunks only once tens of MB of them
 * have piled up outside its heap. Streaming the 77 MB of the debian12 runtime image's /usr/lib
 * raised RSS by 36-59 MB that way (Node 20-24), and by 3 MB collected every MiB: 77 minor
 * collections, which added no measurable time to the 0.3-0.5 s the stream took.
 */
export function collectYoungGenerationAsRead(stream: Readable): void {
  collectYoung ??= youngCollector();
  let read = 0;
  stream.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read < COLLECT_EVERY_BYTES) return;
    read = 0;
    collectYoung?.();
  });
}

/**
 * V8's gc(), exposed only with --expose-gc at start-up, which npm's launcher does not pass. Set
 * now, the flag exposes it in the contexts created after: this one, made for the purpose.
 */
function youngCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
}
