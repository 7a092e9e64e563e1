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

/** How many bytes pass between two minor collections (see bufferCollector). */
const MINOR_EVERY_BYTES = 1024 * 1024;
/** How many of those make a full collection instead. */
const FULL_EVERY = 16;

type Collect = (options?: { type: 'minor' }) => void;
let gc: Collect | undefined;

/**
 * Returns a counter to call with the size of each buffer that passes through: it collects the
 * young generation after each MiB of them, and the whole heap after each 16 MiB.
 *
 * A buffer read from a file or a socket is its own allocation outside V8's heap, while the
 * JavaScript it takes to pass one on is a few hundred bytes. So the young generation seldom
 * fills, and V8 collects the dead buffers only once tens of MB of them have piled up outside its
 * heap. Streaming the 77 MB of the debian12 runtime image's /usr/lib raised RSS by 36-59 MB that
 * way (Node 20-24), and by 3 MB collected every MiB: 77 minor collections, which added no
 * measurable time to the 0.3-0.5 s the stream took.
 *
 * A buffer that outlives two minor collections (one still referenced while a MiB or two pass)
 * moves to the old generation, which only a full collection frees, and V8 starts one only once
 * that generation outgrows its limit. With minor collections alone, a cold pandas build still
 * peaked at 122-130 MB in four of nine runs (Node 20), up to 28 MB of buffers held at once in the
 * zip; with a full one every 16 MiB, at 105-108 MB in six runs (108-110 MB in three, once the zip
 * counted its output alone: zip-writer.ts). The full collections took 60-90 ms in each of the
 * extraction and the zip, within those steps' noise.
 */
export function bufferCollector(): (bytes: number) => void {
  const collect = (gc ??= exposedGc());
  let passed = 0;
  let minors = 0;
  return (bytes) => {
    passed += bytes;
    if (passed < MINOR_EVERY_BYTES) return;
    passed = 0;
    minors = (minors + 1) % FULL_EVERY;
    // gc() without options is a full collection; under Node 20, { type: 'major' } freed no more
    // than a minor one did.
    if (minors === 0) collect();
    else collect({ type: 'minor' });
  };
}

/**
 * Collects as bufferCollector does while `stream` yields (a tar from the engine's archive API
 * arrives in 64 KiB socket reads); called once its consumer is attached, because a 'data'
 * listener added earlier would start the flow without it.
 */
export function collectBuffersAsRead(stream: Readable): void {
  const passed = bufferCollector();
  stream.on('data', (chunk: Buffer) => passed(chunk.length));
}

/**
 * V8's gc(), exposed only with --expose-gc at start-up, which npm's launcher does not pass. Set
 * now, the flag exposes it in the contexts created after: this one, made for the purpose.
 */
function exposedGc(): Collect {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Collect;
}
