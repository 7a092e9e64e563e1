import { readdir, stat } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callbackCall } from '../../../src/core/fs/callback-call.js';
import { tempDir } from '../../support/temp-dir.js';

describe('callbackCall', () => {
  it("resolves with the callback's value", async () => {
    const dir = await tempDir();
    expect(await callbackCall<string[]>((done) => readdir(dir, done))).toEqual([]);
  });

  it("rejects with the callback's error, code and path intact", async () => {
    const missing = join(await tempDir(), 'missing');
    await expect(callbackCall((done) => stat(missing, done))).rejects.toMatchObject({
      code: 'ENOENT',
      path: missing,
    });
  });
});
