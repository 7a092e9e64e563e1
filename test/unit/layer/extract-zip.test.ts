// extractLayerZip (used by invoke and the build's smoke test) on top of SafeZip: an honest zip
// lands as Lambda would unpack it; a lying one is refused as bad input, not an internal error.
import { lstat, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { extractLayerZip } from '../../../src/core/layer/extract-zip.js';
import { craftZip, deflatedEntry, zerosEntry } from '../../support/hostile-zip.js';
import { tempDir } from '../../support/temp-dir.js';
import { handMadeZip } from './helpers.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-extract-');
});

describe('extractLayerZip', () => {
  it('recreates files with their modes and symlinks as links', async () => {
    const zip = join(dir, 'layer.zip');
    handMadeZip(zip, [
      ['bin/tool', '#!/bin/sh\n', 0o100755],
      ['lib/libz.so', 'libz.so.1', 0o120777],
    ]);
    await extractLayerZip(zip, join(dir, 'opt'));
    expect(await readFile(join(dir, 'opt/bin/tool'), 'utf8')).toBe('#!/bin/sh\n');
    expect((await lstat(join(dir, 'opt/bin/tool'))).mode & 0o7777).toBe(0o755);
    expect(await readlink(join(dir, 'opt/lib/libz.so'))).toBe('libz.so.1');
  });

  it('refuses an entry that inflates past what it declares, with exit 2', async () => {
    const zip = join(dir, 'lie.zip');
    await writeFile(zip, craftZip([{ ...zerosEntry('lib/data', 2), size: 10 }]));
    const error = await extractLayerZip(zip, join(dir, 'opt')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as UserError).message).toContain('lib/data: too many bytes in the stream');
  });

  it('refuses an entry that would land outside /opt', async () => {
    const zip = join(dir, 'escape.zip');
    await writeFile(zip, craftZip([deflatedEntry('../evil.sh', 'x')]));
    await expect(extractLayerZip(zip, join(dir, 'opt'))).rejects.toThrow(
      'zip entry ../evil.sh would land outside /opt',
    );
  });

  it('refuses a layer over Lambda’s limit before writing anything', async () => {
    const zip = join(dir, 'big.zip');
    await writeFile(zip, craftZip([zerosEntry('lib/zeros.dat', 251)]));
    const error = await extractLayerZip(zip, join(dir, 'opt')).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 1 });
    expect((error as UserError).message).toContain(
      `unzips to ${251 * 1024 * 1024} bytes, over Lambda's limit`,
    );
    await expect(lstat(join(dir, 'opt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an entry written through a symlink the same zip made', async () => {
    const zip = join(dir, 'through-link.zip');
    await writeFile(
      zip,
      craftZip([deflatedEntry('lib/up', '../..', 0o120777), deflatedEntry('lib/up/evil.sh', 'x')]),
    );
    await expect(extractLayerZip(zip, join(dir, 'opt'))).rejects.toThrow(
      'zip entry lib/up/evil.sh would land outside /opt',
    );
  });
});
