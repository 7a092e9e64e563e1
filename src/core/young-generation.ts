import { setFlagsFromString } from 'node:v8';

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
