// The bundle the package ships loads some modules lazily (issue 17's start-up work). A lazy import
// of a CommonJS package behaves differently there than in src/ (esbuild gives it a default export
// only), so these paths are run through bin/layerforge.js, not in-process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { runBuiltCli } from '../support/built-cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('lazy imports in the shipped bundle', () => {
  it('reads a recipe folder the precompiled table does not hold (the YAML parser loads late)', async () => {
    const recipes = join(packageRoot, 'test', 'fixtures', 'recipes-build');
    const run = await runBuiltCli(['build', 'nosuch', '--recipes', recipes, '--base', 'debian12'], {
      cwd: await tempDir(),
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.stderr).toMatch(/error: no recipe named "nosuch"\nhint: available: .*\bbig-opt\b/);
    expect(run.code).toBe(2);
  });
});
