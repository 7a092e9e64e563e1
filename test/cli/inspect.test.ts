import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LayerInspection } from '../../src/core/layer/inspect.js';
import { writeLayerZip } from '../../src/core/layer/zip-writer.js';
import { tempDir } from '../support/temp-dir.js';
import { handMadeZip, makeTree } from '../unit/layer/helpers.js';
import { runLayerforge } from './cli-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('layerforge-inspect-');
});

function badZip(): string {
  const zipPath = join(dir, 'bad.zip');
  handMadeZip(zipPath, [
    ['python/escape', '../../etc/shadow', 0o120777],
    ['python/secret.py', 'TOKEN = 1\n', 0o100600],
    ['numpy/__init__.py', 'import numpy.core\n', 0o100644],
  ]);
  return zipPath;
}

describe('layerforge inspect', () => {
  it('exits 1 on a bad zip and names each problem', async () => {
    badZip();
    const result = await runLayerforge(['inspect', 'bad.zip'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'error: escaping-symlink: python/escape: python/escape -> ../../etc/shadow climbs out of the layer',
    );
    expect(result.stdout).toContain('error: not-world-readable: python/secret.py: mode 0600');
    expect(result.stdout).toContain(
      'error: outside-runtime-paths: numpy: a Python package at the root of the zip',
    );
    expect(result.stdout).toContain('problems: 3 error(s), 0 warning(s)');
    expect(result.stdout).toContain('python/escape -> ../../etc/shadow  [escapes]');
  });

  it('prints the whole report as JSON with --json', async () => {
    badZip();
    const result = await runLayerforge(['inspect', 'bad.zip', '--json', '--runtime', 'python3.12'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as LayerInspection;
    expect(report.zipPath).toBe('bad.zip');
    expect(report.runtime).toBe('python3.12');
    expect(report.problems.map((p) => p.code).sort()).toEqual([
      'escaping-symlink',
      'not-world-readable',
      'outside-runtime-paths',
    ]);
    expect(report.size.unzippedBytes).toBe(
      '../../etc/shadow'.length + 'TOKEN = 1\n'.length + 'import numpy.core\n'.length,
    );
  });

  it('exits 0 on a good layer and shows sizes, breakdown and modes', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, {
      'python/six.py': { file: 'x = 1\n'.repeat(200) },
      'lib/libz.so.1.3': { file: 'z'.repeat(2048) },
      'lib/libz.so.1': { link: 'libz.so.1.3' },
    });
    await writeLayerZip(root, join(dir, 'good.zip'));
    const result = await runLayerforge(['inspect', 'good.zip', '--runtime', 'python3.12'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("size: 3.2 KB unzipped (0.0% of Lambda's 250 MB)");
    expect(result.stdout).toContain('entries: 5 (3 files and symlinks)');
    expect(result.stdout).toMatch(/2\.0 KB\s+2 files\s+lib\/libz/);
    expect(result.stdout).toContain('modes: files 0644 ×2 · directories 0755 ×2 · symlinks 1');
    expect(result.stdout).toContain('lib/libz.so.1 -> libz.so.1.3');
    expect(result.stdout).toContain('problems: none');
  });

  it('exits 2 for a missing file, a file that is not a zip, or an unknown runtime', async () => {
    const missing = await runLayerforge(['inspect', 'missing.zip'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: no such file: ${join(dir, 'missing.zip')}`);
    expect(missing.stderr).toContain('hint: ');

    await writeFile(join(dir, 'notes.zip'), 'hello');
    const notZip = await runLayerforge(['inspect', 'notes.zip'], { cwd: dir });
    expect(notZip.code).toBe(2);
    expect(notZip.stderr).toContain('is not a readable zip file');

    badZip();
    const runtime = await runLayerforge(['inspect', 'bad.zip', '--runtime', 'python2.7'], { cwd: dir });
    expect(runtime.code).toBe(2);
    expect(runtime.stderr).toContain('unknown Lambda runtime "python2.7"');
  });

  it('has --help', async () => {
    const help = await runLayerforge(['inspect', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--runtime <id>');
    expect(help.stdout).toContain('Exit codes');
  });
});
