import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { indexLayer, matchRule } from '../../../src/core/prune/match.js';
import { tempDir } from '../../support/temp-dir.js';

let root: string;

async function tree(files: Record<string, string | { link: string }>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    if (typeof content === 'string') await writeFile(join(root, path), content);
    else await symlink(content.link, join(root, path));
  }
}

beforeEach(async () => {
  root = await tempDir('layerforge-prune-match-');
});

describe('matchRule', () => {
  it('takes a matching directory whole with the bytes of its files, and leaves look-alike names alone', async () => {
    await tree({
      'python/pandas/tests/test_a.py': 'aaaa',
      'python/pandas/tests/data/x.csv': '123456',
      'python/pandas/_testing/__init__.py': 'keep',
      'python/numpy/testing/__init__.py': 'keep',
      'python/pandas/core/frame.py': 'frame',
    });
    const index = await indexLayer(root);
    const matches = matchRule(index, {
      globs: ['python/**/tests'],
      dirsOnly: true,
      protect: [],
      taken: new Set(),
    });
    expect(matches).toEqual([{ path: 'python/pandas/tests', bytes: 10 }]);
  });

  it('never matches dist-info, whatever the glob says', async () => {
    await tree({
      'python/numpy-1.26.4.dist-info/tests/RECORD': 'r',
      'python/numpy-1.26.4.dist-info/METADATA': 'm',
      'python/numpy/tests/t.py': 't',
    });
    const matches = matchRule(await indexLayer(root), {
      globs: ['python/**/tests', 'python/**/METADATA'],
      protect: [],
      taken: new Set(),
    });
    expect(matches.map((m) => m.path)).toEqual(['python/numpy/tests']);
  });

  it('goes inside a matching directory that holds a protected file and takes the rest one by one', async () => {
    await tree({
      'share/doc/tool/README': 'readme',
      'share/doc/tool/data/needed.txt': 'needed',
      'share/doc/tool/data/other.txt': 'other',
      'share/doc/lib/changelog': 'changes',
    });
    const matches = matchRule(await indexLayer(root), {
      globs: ['share/doc'],
      protect: ['share/doc/tool/data/needed.txt'],
      taken: new Set(),
    });
    expect(matches).toEqual([
      { path: 'share/doc/lib', bytes: 7 },
      { path: 'share/doc/tool/README', bytes: 6 },
      { path: 'share/doc/tool/data/other.txt', bytes: 5 },
    ]);
  });

  it('keeps the target of a symlink that lives outside what the rule takes', async () => {
    await tree({
      'include/config.h': 'cfg',
      'include/other.h': 'other',
      'lib/config.h': { link: '../include/config.h' },
      'share/doc/pkg/a': 'a',
      'share/doc/pkg/b': { link: 'a' },
    });
    const matches = matchRule(await indexLayer(root), {
      globs: ['include', 'share/doc'],
      protect: [],
      taken: new Set(),
    });
    // include/ cannot go whole (lib/config.h points into it); share/doc can (its link points inside).
    expect(matches.map((m) => m.path)).toEqual(['include/other.h', 'share/doc']);
  });

  it('skips what earlier rules took, and never takes a directory whole around it', async () => {
    await tree({ 'python/pkg/tests/a.h': 'h', 'python/pkg/tests/b.py': 'py' });
    const index = await indexLayer(root);
    const taken = new Set(['python/pkg/tests/a.h']);
    const matches = matchRule(index, { globs: ['python/**/tests'], dirsOnly: true, protect: [], taken });
    expect(matches).toEqual([{ path: 'python/pkg/tests/b.py', bytes: 2 }]);
  });

  it('with dirsOnly, a file with the directory name is not taken', async () => {
    await tree({ 'python/pkg/test': 'a module named test, no extension', 'python/pkg/sub/test/x.py': 'x' });
    const matches = matchRule(await indexLayer(root), {
      globs: ['python/**/test'],
      dirsOnly: true,
      protect: [],
      taken: new Set(),
    });
    expect(matches.map((m) => m.path)).toEqual(['python/pkg/sub/test']);
  });
});
