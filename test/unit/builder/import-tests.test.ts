import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHint } from '../../../src/core/builder/import-hints.js';
import {
  importCommand,
  importNames,
  nodeRequireNames,
  parseImportLine,
  pythonImportNames,
  topLevelFromRecord,
} from '../../../src/core/builder/import-tests.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';
import { makeRecipe } from './helpers.js';

async function layer(files: Record<string, string>): Promise<string> {
  const opt = await tempDir('layerforge-imports-');
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(opt, rel, '..'), { recursive: true });
    await writeFile(join(opt, rel), text);
  }
  return opt;
}

describe('the modules a layer’s wheels declare', () => {
  it('reads top_level.txt, else RECORD; leaves out private, unimportable and skipped names', async () => {
    const opt = await layer({
      'python/numpy-2.2.6.dist-info/RECORD': [
        'numpy/__init__.py,sha256=x,1',
        'numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so,sha256=x,1',
        'numpy.libs/libopenblas.so,sha256=x,1',
        '../../bin/f2py,sha256=x,1',
        'numpy-2.2.6.dist-info/METADATA,,',
      ].join('\n'),
      'python/PyYAML-6.0.2.dist-info/top_level.txt': '_yaml\nyaml\n',
      'python/six-1.17.0.dist-info/RECORD': 'six.py,sha256=x,1\n__pycache__/six.cpython-311.pyc,,\n',
      'python/cffi-2.1.1.dist-info/RECORD':
        '_cffi_backend.cpython-311-x86_64-linux-gnu.so,,\ncffi/__init__.py,,\n',
      'python/typing_extensions-4.16.0.dist-info/RECORD': 'typing_extensions.py,,\n',
      'python/psycopg-3.2.9.dist-info/top_level.txt': 'psycopg\n',
      // Loaded by psycopg, refuses to be imported first.
      'python/psycopg_binary-3.2.9.dist-info/top_level.txt': 'psycopg_binary\n',
    });
    expect(await pythonImportNames(opt, ['psycopg'])).toEqual([
      'cffi',
      'numpy',
      'six',
      'typing_extensions',
      'yaml',
    ]);
  });

  it('finds top-level extension modules in RECORD', () => {
    expect(
      topLevelFromRecord(
        'orjson/__init__.py,,\nmsgpack.abi3.so,,\nfoo.cpython-311-x86_64-linux-gnu.so,,\n',
      ).sort(),
    ).toEqual(['foo', 'msgpack', 'orjson']);
  });

  it('imports nothing when the recipe does not ask (no checkImports)', async () => {
    const opt = await layer({ 'python/six-1.17.0.dist-info/top_level.txt': 'six\n' });
    const python = getRuntime('python3.11');
    expect(await importNames(makeRecipe({ runtimes: ['python3.11'] }), python, opt)).toEqual([]);
    expect(
      await importNames(makeRecipe({ runtimes: ['python3.11'], checkImports: { skip: [] } }), python, opt),
    ).toEqual(['six']);
  });
});

describe('the npm packages a layer’s package.json depends on', () => {
  it('lists direct dependencies, not dev ones, minus skipped', async () => {
    const opt = await layer({
      'nodejs/package.json': JSON.stringify({
        dependencies: { sharp: '0.34.5', '@aws-sdk/client-s3': '^3', left: '1' },
        devDependencies: { vitest: '1' },
      }),
    });
    expect(await nodeRequireNames(opt, ['left'])).toEqual(['@aws-sdk/client-s3', 'sharp']);
    expect(await nodeRequireNames(await layer({}), [])).toEqual([]);
  });

  it('runs node for a nodejs runtime and python3 for a python one', () => {
    expect(importCommand(getRuntime('nodejs22.x'), ['sharp'])?.slice(0, 2)).toEqual(['node', '-e']);
    expect(importCommand(getRuntime('python3.11'), ['six'])?.[0]).toBe('python3');
    expect(importCommand(getRuntime('python3.11'), [])).toBeUndefined();
  });
});

describe('results and hints', () => {
  it('parses the importer’s lines', () => {
    expect(parseImportLine('layerforge-import ok numpy')).toEqual({ name: 'numpy', ok: true, error: '' });
    expect(parseImportLine('layerforge-import fail psycopg ImportError: no pq wrapper available')).toEqual({
      name: 'psycopg',
      ok: false,
      error: 'ImportError: no pq wrapper available',
    });
    expect(parseImportLine('some other output')).toBeUndefined();
  });

  it.each([
    ['psycopg', 'ImportError: no pq wrapper available', /\[binary\] extra or libpq/],
    ['requests_html', 'ImportError: lxml.html.clean module is now a separate project', /lxml_html_clean/],
    ['whatever', 'ImportError: libGL.so.1: cannot open shared object file', /shared library is missing/],
    ['whatever', "version `GLIBC_2.28' not found", /newer glibc/],
  ])('%s: %s → a hint', (module, error, hint) => expect(importHint(module, error)).toMatch(hint));

  it('has no hint for an unknown failure', () => expect(importHint('x', 'SyntaxError')).toBeUndefined());
});
