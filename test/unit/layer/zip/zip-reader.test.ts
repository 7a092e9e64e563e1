// ZipFileReader serves the zip's tail from memory and small reads from 1 MiB windows: every
// read must still give exactly the file's bytes, wherever it falls against those boundaries.
import { randomBytes } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipFileReader } from '../../../../src/core/layer/zip/zip-reader.js';
import { sharedTempDir } from '../../../support/temp-dir.js';

const scratch = sharedTempDir('lf-zip-reader-');
const MIB = 1024 * 1024;

describe('ZipFileReader.readAt', () => {
  it('gives the file’s bytes for reads inside, across and between windows, and in the tail', async () => {
    // 12 MiB: the first 4 MiB are read through windows, the last 8 MiB come from the tail.
    const bytes = randomBytes(12 * MIB);
    const path = join(scratch.path, 'data.bin');
    await writeFile(path, bytes);
    const handle = await open(path, 'r');
    try {
      const reader = await ZipFileReader.open(path, handle, bytes.length);
      const reads: [number, number][] = [
        [0, 30],
        [MIB - 10, 30], // across a window boundary
        [MIB, 64 * 1024], // the largest windowed read
        [2 * MIB - 100, 64 * 1024 + 1], // too long for a window
        [3 * MIB + 5, 2 * MIB], // a large read, into the tail
        [4 * MIB - 3, 10], // from before the tail into it
        [12 * MIB - 4, 100], // past the end: fewer bytes
      ];
      // Many small reads at once, as a batch of local headers makes them; spread by a fixed step.
      for (let i = 0; i < 200; i++) reads.push([(i * 20_011 * 1_009) % (4 * MIB), 1 + ((i * 37) % 4096)]);
      const results = await Promise.all(reads.map(([at, length]) => reader.readAt(at, length)));
      reads.forEach(([at, length], i) => {
        expect(results[i]?.equals(bytes.subarray(at, at + length)), `${length} bytes at ${at}`).toBe(true);
      });
    } finally {
      await handle.close();
    }
  });
});
