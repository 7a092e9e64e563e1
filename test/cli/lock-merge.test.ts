import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeLockFile, type LockEntry } from '../../src/core/publish/lock-file.js';
import { runLayerforge } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

function entry(layerName: string, layerVersion: number, codeSha256 = `code-${layerVersion}`): LockEntry {
  return {
    layerName,
    account: '123456789012',
    recipe: null,
    recipeVersion: null,
    runtimes: ['python3.12'],
    arch: 'x86_64',
    region: 'us-east-1',
    layerVersionArn: `arn:aws:lambda:us-east-1:123456789012:layer:${layerName}:${layerVersion}`,
    layerVersion,
    sha256: 'a'.repeat(64),
    codeSha256,
    inputsDigest: null,
    publishedAt: '2026-12-01T00:00:00.000Z',
    current: true,
  };
}

async function folder(files: Record<string, LockEntry[]>): Promise<string> {
  const cwd = await tempDir('lf-cli-lock-');
  for (const [name, layers] of Object.entries(files))
    await writeFile(join(cwd, name), serializeLockFile({ lockfileVersion: 2, layers }));
  return cwd;
}

describe('layerforge lock merge', () => {
  it('prints the merged lock on stdout, or writes it atomically with -o', async () => {
    const cwd = await folder({ 'a.json': [entry('alpha', 1)], 'b.json': [entry('beta', 1)] });
    const out = await runLayerforge(['lock', 'merge', 'b.json', 'a.json'], { cwd });
    expect(out.code, out.stderr).toBe(0);
    const expected = serializeLockFile({ lockfileVersion: 2, layers: [entry('alpha', 1), entry('beta', 1)] });
    expect(out.stdout).toBe(expected);
    const written = await runLayerforge(['lock', 'merge', 'a.json', 'b.json', '-o', 'layerforge.lock.json'], {
      cwd,
    });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(await readFile(join(cwd, 'layerforge.lock.json'), 'utf8')).toBe(expected);
    expect((await readdir(cwd)).sort()).toEqual(['a.json', 'b.json', 'layerforge.lock.json']);
  });

  it('a conflict is exit 2, names both files, and writes nothing', async () => {
    const cwd = await folder({ 'a.json': [entry('alpha', 1)], 'b.json': [entry('alpha', 1, 'other')] });
    const out = await runLayerforge(['lock', 'merge', 'a.json', 'b.json', '-o', 'out.json'], { cwd });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      'error: a.json and b.json record different content as alpha version 1 in us-east-1 (account 123456789012): CodeSha256 code-1 and other',
    );
    expect(out.stderr).toMatch(/^hint: /m);
    expect((await readdir(cwd)).sort()).toEqual(['a.json', 'b.json']);
  });

  it('needs at least one file, and refuses a missing one (exit 2)', async () => {
    const cwd = await folder({});
    expect((await runLayerforge(['lock', 'merge'], { cwd })).code).toBe(2);
    const missing = await runLayerforge(['lock', 'merge', 'nope.json'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no lock file at');
  });
});
