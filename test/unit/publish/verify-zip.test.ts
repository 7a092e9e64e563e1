import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { digestFile, verifyZipAgainstManifest } from '../../../src/core/publish/verify-zip.js';
import { makeLayerZip } from '../../support/publish-fixtures.js';
import { tempDir } from '../../support/temp-dir.js';

describe('zip verification', () => {
  it('digests a file as hex and as Lambda’s base64 CodeSha256', async () => {
    const dir = await tempDir('lf-digest-');
    const data = Buffer.alloc(3 * 1024 * 1024 + 7, 7);
    await writeFile(join(dir, 'f'), data);
    const digest = await digestFile(join(dir, 'f'));
    const expected = createHash('sha256').update(data).digest();
    expect(digest).toEqual({
      sha256: expected.toString('hex'),
      codeSha256: expected.toString('base64'),
      bytes: data.length,
    });
  });

  it('accepts a zip that matches its manifest (Info-ZIP zip, Python-style manifest)', async () => {
    const dir = await tempDir('lf-verify-');
    const layer = await makeLayerZip(dir, 'ok', { files: { 'python/a.py': 'a = 1\n' } });
    const digest = await verifyZipAgainstManifest(layer.zipPath, layer.manifestPath, layer.manifest);
    expect(digest.codeSha256).toBe(layer.codeSha256);
  });

  it('rejects a changed zip with both digests', async () => {
    const dir = await tempDir('lf-verify-');
    const layer = await makeLayerZip(dir, 'changed', { files: { 'python/a.py': 'a = 1\n' } });
    await writeFile(layer.zipPath, 'different bytes');
    const error = await verifyZipAgainstManifest(layer.zipPath, layer.manifestPath, layer.manifest).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const details = (error as UserError).details.join('\n');
    expect(details).toContain(createHash('sha256').update('different bytes').digest('hex'));
    expect(details).toContain(layer.sha256);
    expect((error as UserError).exitCode).toBe(2);
  });

  it('rejects a manifest whose codeSha256 disagrees with its sha256', async () => {
    const dir = await tempDir('lf-verify-');
    const layer = await makeLayerZip(dir, 'odd', { files: { 'python/a.py': 'a = 1\n' } });
    const manifest = {
      ...layer.manifest,
      zip: { ...layer.manifest.zip, codeSha256: Buffer.alloc(32).toString('base64') },
    };
    await expect(verifyZipAgainstManifest(layer.zipPath, layer.manifestPath, manifest)).rejects.toThrow(
      /is inconsistent/,
    );
  });

  it('names a missing zip', async () => {
    const dir = await tempDir('lf-verify-');
    const layer = await makeLayerZip(dir, 'gone', { files: { 'a.txt': 'a' } });
    await expect(
      verifyZipAgainstManifest(join(dir, 'nope.zip'), layer.manifestPath, layer.manifest),
    ).rejects.toThrow(/no zip at/);
  });
});
