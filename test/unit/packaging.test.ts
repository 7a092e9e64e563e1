// What `npm pack` ships: the licence package.json names, no sources or tests, and source maps
// that do not point at files left behind (src/ is not shipped, so the maps carry it inline).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');

interface Packed {
  files: { path: string }[];
}

describe('the npm package', () => {
  // --ignore-scripts: list what would ship without compiling first.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' }),
  ) as Packed[];
  const paths = packed[0]?.files.map((f) => f.path) ?? [];

  it('ships the Apache-2.0 licence that package.json declares', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('Apache-2.0');
    expect(paths).toContain('LICENSE');
    const licence = readFileSync(join(repo, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
    expect(licence).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(licence).toContain('END OF TERMS AND CONDITIONS');
  });

  it('ships the launcher, data and recipes, and no TypeScript sources or tests', () => {
    expect(paths).toEqual(expect.arrayContaining(['bin/layerforge.js', 'package.json', 'README.md']));
    expect(paths.some((p) => p.startsWith('recipes/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('data/'))).toBe(true);
    expect(paths.filter((p) => /^(src|test)\//.test(p))).toEqual([]);
  });

  it('compiles source maps only with their sources inside, since src/ is not shipped', () => {
    const file = join(repo, 'tsconfig.build.json');
    const { config } = ts.readConfigFile(file, ts.sys.readFile) as { config: unknown };
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repo, undefined, file);
    expect(options.inlineSources === true || options.sourceMap !== true).toBe(true);
    expect(options.declarationMap).not.toBe(true);
  });
});
