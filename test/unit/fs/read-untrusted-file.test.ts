// The one reader for files a user (or a stranger) wrote: it refuses what could hang or exhaust
// the process, and positions bytes that are not UTF-8.
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_YAML_FILE_BYTES,
  UntrustedFileError,
  firstInvalidUtf8,
  readUntrustedTextFile,
} from '../../../src/core/fs/read-untrusted-file.js';
import { tempDir } from '../../support/temp-dir.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-untrusted-');
});

async function refusal(file: string, options = {}): Promise<UntrustedFileError> {
  const error: unknown = await readUntrustedTextFile(file, { displayName: 'recipe.yaml', ...options }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UntrustedFileError);
  return error as UntrustedFileError;
}

describe('readUntrustedTextFile: only regular files are read', () => {
  it('refuses a FIFO at once instead of waiting for a writer that never comes', async () => {
    const fifo = join(dir, 'recipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const error = await refusal(fifo, { what: 'recipe' });
    // Opening a FIFO for reading blocks until a writer appears; the reader must not wait.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toBe('recipe.yaml:1:1: the recipe is a FIFO (named pipe), not a regular file');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBe('replace recipe.yaml with a regular file');
  });

  it('refuses a link to /dev/zero without reading from it', async () => {
    const link = join(dir, 'recipe.yaml');
    await symlink('/dev/zero', link);
    const rss = process.memoryUsage().rss;
    const error = await refusal(link, { what: 'recipe' });
    expect(error.message).toBe('recipe.yaml:1:1: the recipe is a device, not a regular file');
    // Reading /dev/zero until a cap would still allocate; refusing on fstat allocates nothing.
    expect(process.memoryUsage().rss - rss).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a folder', async () => {
    const error = await refusal(dir, { what: 'config file' });
    expect(error.message).toBe('recipe.yaml:1:1: the config file is a folder, not a regular file');
  });

  it('follows a link to a regular file: only what it points at matters', async () => {
    await writeFile(join(dir, 'real.yaml'), 'name: ok\n');
    await symlink(join(dir, 'real.yaml'), join(dir, 'recipe.yaml'));
    expect(await readUntrustedTextFile(join(dir, 'recipe.yaml'))).toBe('name: ok\n');
  });

  it('names a missing file as unreadable, exit 2', async () => {
    const error: unknown = await readUntrustedTextFile(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: `cannot read ${join(dir, 'nope.yaml')}`, exitCode: 2 });
  });
});

describe('readUntrustedTextFile: size cap', () => {
  it('reads a file of exactly the cap and refuses one byte more', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, '#'.repeat(MAX_YAML_FILE_BYTES));
    expect((await readUntrustedTextFile(file)).length).toBe(MAX_YAML_FILE_BYTES);
    await writeFile(file, '#'.repeat(MAX_YAML_FILE_BYTES + 1));
    const error = await refusal(file, { what: 'recipe' });
    expect(error.message).toBe(
      `recipe.yaml:1:1: the recipe is ${MAX_YAML_FILE_BYTES + 1} bytes, more than the ${MAX_YAML_FILE_BYTES} allowed`,
    );
  });

  it('honours a smaller cap for another kind of file', async () => {
    const file = join(dir, 'small.yaml');
    await writeFile(file, 'abcdef');
    const error = await refusal(file, { maxBytes: 5 });
    expect(error.message).toBe('recipe.yaml:1:1: the file is 6 bytes, more than the 5 allowed');
  });
});

describe('readUntrustedTextFile: UTF-8', () => {
  it('gives the line and column (in characters) of the first byte that is not UTF-8', async () => {
    const file = join(dir, 'latin1.yaml');
    // Line 3, after "summary: café " (é is two bytes, one character), a Latin-1 "ü".
    const bytes = Buffer.concat([
      Buffer.from('name: x\nversion: 1.0.0\nsummary: café '),
      Buffer.from([0xfc]),
      Buffer.from('ber\n'),
    ]);
    await writeFile(file, bytes);
    const error = await refusal(file);
    expect(error.message).toBe('recipe.yaml:3:15: byte 0xfc is not valid UTF-8');
    expect(error.issue).toMatchObject({ line: 3, column: 15 });
    expect(error.hint).toBe('save recipe.yaml as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)');
  });

  it('reads valid multi-byte text unchanged', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'summary: naïve 日本 🙂\n');
    expect(await readUntrustedTextFile(file)).toBe('summary: naïve 日本 🙂\n');
  });

  it('finds overlong forms, surrogates, truncated sequences and bytes past U+10FFFF', () => {
    expect(firstInvalidUtf8(Buffer.from('abc'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0xe6, 0x97]))).toBe(0); // truncated at end of file
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // past U+10FFFF
    expect(firstInvalidUtf8(Buffer.from([0x80]))).toBe(0); // lone continuation byte
    expect(firstInvalidUtf8(Buffer.from('€', 'utf8'))).toBe(-1);
  });
});
