import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { inspectLayerZip } from '../../../src/core/layer/inspect.js';
import type { LayerInspection } from '../../../src/core/layer/inspect.js';
import { writeLayerZip } from '../../../src/core/layer/zip-writer.js';
import { tempDir } from '../../support/temp-dir.js';
import { handMadeZip, makeTree, run } from './helpers.js';

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-layer-');
});

const codes = (report: LayerInspection) =>
  report.problems.map((p) => `${p.severity} ${p.code} ${p.file}`).sort();

/** zipinfo's own totals: entries, uncompressed bytes. */
function zipinfoTotals(zipPath: string): { entries: number; bytes: number } {
  const match = /(\d+) files?, (\d+) bytes uncompressed/.exec(run('zipinfo', ['-t', zipPath]));
  return { entries: Number(match?.[1]), bytes: Number(match?.[2]) };
}

describe('inspectLayerZip', () => {
  it('reports the sizes zipinfo reports, modes and symlinks of a good layer, and no problems', async () => {
    const root = join(dir, 'opt');
    await makeTree(root, {
      'python/lib/python3.12/site-packages/numpy/__init__.py': { file: 'x = 1\n'.repeat(500) },
      'python/lib/python3.12/site-packages/numpy.libs/libgfortran.so.5': {
        file: 'f'.repeat(4000),
        mode: 0o755,
      },
      'lib/libgeos.so.3.12.1': { file: 'g'.repeat(3000) },
      'lib/libgeos.so': { link: 'libgeos.so.3.12.1' },
      'bin/gdalinfo': { file: '#!/bin/sh\n', mode: 0o755 },
    });
    const zipPath = join(dir, 'good.zip');
    const written = await writeLayerZip(root, zipPath);
    const report = await inspectLayerZip(zipPath, { runtime: 'python3.12' });

    const totals = zipinfoTotals(zipPath);
    expect(report.entryCount).toBe(totals.entries);
    expect(report.size.unzippedBytes).toBe(totals.bytes);
    expect(report.size.unzippedBytes).toBe(written.unzippedBytes);
    expect(report.size.zippedBytes).toBe(written.zippedBytes);
    expect(report.size.fileCount).toBe(5);
    expect(report.size.topPackages.map((p) => p.path)).toEqual([
      'python/numpy.libs',
      'lib/libgeos',
      'python/numpy',
      'bin/gdalinfo',
    ]);
    expect(report.modes).toEqual({
      files: { '0644': 2, '0755': 2 },
      directories: { '0755': 8 },
      symlinks: 1,
      withoutUnixMode: 0,
    });
    expect(report.symlinks).toEqual([
      {
        path: 'lib/libgeos.so',
        target: 'libgeos.so.3.12.1',
        status: 'ok',
        resolved: 'lib/libgeos.so.3.12.1',
      },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.errors).toBe(0);
  });

  it('flags a hand-made bad zip: escaping links, unreadable files, packages at the root, unsafe names', async () => {
    const zipPath = join(dir, 'bad.zip');
    handMadeZip(zipPath, [
      ['python/', '', 0o040755],
      ['python/escape', '../../etc/passwd', 0o120777],
      ['lib/libssl.so', '/usr/lib64/libssl.so.3', 0o120777],
      ['python/secret.py', 'TOKEN = 1\n', 0o100600],
      ['python/private/', '', 0o040700],
      ['numpy/', '', 0o040755],
      ['numpy/__init__.py', 'import numpy.core\n', 0o100644],
      ['numpy/core/_multiarray_umath.so', 'ELF', 0o100755],
      ['lib/libgone.so', 'libgone.so.1', 0o120777],
      ['bin/tool', '#!/bin/sh\n', 0o100644],
      ['../evil.sh', 'rm -rf /', 0o100755],
    ]);
    const report = await inspectLayerZip(zipPath);
    expect(codes(report)).toEqual([
      'error escaping-symlink lib/libssl.so',
      'error escaping-symlink python/escape',
      'error not-executable bin/tool',
      'error not-world-readable python/private',
      'error not-world-readable python/secret.py',
      'error outside-runtime-paths numpy',
      'error unsafe-entry-name ../evil.sh',
      'warning dangling-symlink lib/libgone.so',
    ]);
    expect(report.errors).toBe(7);
    expect(report.warnings).toBe(1);
    const numpy = report.problems.find((p) => p.file === 'numpy');
    expect(numpy?.reason).toContain('a Python package at the root of the zip: it lands in /opt/numpy');
    expect(numpy?.hint).toContain('python/');
    expect(report.problems.find((p) => p.file === 'python/escape')?.reason).toBe(
      'python/escape -> ../../etc/passwd climbs out of the layer: on Lambda it points outside /opt',
    );
    expect(report.modes.files).toEqual({ '0600': 1, '0644': 2, '0755': 2 });
    const totals = zipinfoTotals(zipPath);
    expect(report.entryCount).toBe(totals.entries);
    expect(report.size.unzippedBytes).toBe(totals.bytes);
  });

  it('checks paths against one runtime when asked', async () => {
    const zipPath = join(dir, 'mixed.zip');
    handMadeZip(zipPath, [
      ['python/lib/python3.11/site-packages/yaml/__init__.py', '', 0o100644],
      ['nodejs/node_modules/sharp/index.js', '', 0o100644],
      ['share/proj/proj.db', 'db', 0o100644],
      ['tools/run.sh', '#!/bin/sh', 0o100755],
      ['bootstrap', '#!/bin/sh', 0o100644],
    ]);
    const forPython = await inspectLayerZip(zipPath, { runtime: 'python3.12' });
    expect(codes(forPython)).toEqual([
      'error not-executable bootstrap',
      'info outside-runtime-paths share',
      'warning outside-runtime-paths bootstrap',
      'warning outside-runtime-paths nodejs',
      'warning outside-runtime-paths python/lib/python3.11',
      'warning outside-runtime-paths tools',
    ]);
    const forNode = await inspectLayerZip(zipPath, { runtime: 'nodejs20.x' });
    expect(codes(forNode)).toContain('warning outside-runtime-paths python');
    expect(codes(forNode)).not.toContain('warning outside-runtime-paths nodejs');
    const anyRuntime = await inspectLayerZip(zipPath);
    expect(codes(anyRuntime)).toEqual([
      'error not-executable bootstrap',
      'info outside-runtime-paths share',
      'warning outside-runtime-paths tools',
    ]);
  });

  it('infers modes for a zip made without unix attributes and says so', async () => {
    const zipPath = join(dir, 'windows.zip');
    handMadeZip(zipPath, [
      ['python/', '', 0, 0],
      ['python/mod.py', 'x = 1', 0, 0],
    ]);
    const report = await inspectLayerZip(zipPath);
    expect(report.modes).toEqual({
      files: { '0644': 1 },
      directories: { '0755': 1 },
      symlinks: 0,
      withoutUnixMode: 2,
    });
    expect(codes(report)).toEqual(['warning no-unix-modes python']);
  });

  it('refuses a missing file and a file that is not a zip as bad input', async () => {
    const missing = await inspectLayerZip(join(dir, 'nope.zip')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UserError);
    expect(missing).toMatchObject({ exitCode: 2, message: `no such file: ${join(dir, 'nope.zip')}` });
    await writeFile(join(dir, 'text.zip'), 'just text, not a zip\n');
    const notZip = await inspectLayerZip(join(dir, 'text.zip')).catch((e: unknown) => e);
    expect(notZip).toBeInstanceOf(UserError);
    expect((notZip as UserError).message).toContain('is not a readable zip file');
    await expect(inspectLayerZip(join(dir, 'text.zip'), { runtime: 'python2.7' })).rejects.toThrow(
      'unknown Lambda runtime',
    );
  });
});
