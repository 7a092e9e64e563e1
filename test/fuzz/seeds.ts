import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Valid files the mutations start from: every bundled recipe, renamed `fz` so that `show fz`
 * and `build fz` find the mutated one while its name survives, and a project config file.
 */
export async function recipeSeeds(repoRoot: string): Promise<Buffer[]> {
  const names = ['hello', 'jq', 'openssl', 'pandas', 'imagemagick', 'r-runtime'];
  const texts = await Promise.all(
    names.map((name) => readFile(join(repoRoot, 'recipes', name, 'recipe.yaml'), 'utf8')),
  );
  return texts.map((text) => Buffer.from(text.replace(/^name: .*$/m, 'name: fz')));
}

export const CONFIG_SEED = Buffer.from(
  '$schema: ./schema/config.schema.json\nrecipeDirs: [recipes]\nbase: debian12\noutDir: dist\nreserveMB: 12.5\n',
);

/**
 * A recipe folder holding every file the bundled recipes name, so a mutated recipe gets past
 * "file missing" and reaches deeper checks, plus a link out of the folder for mutations to name.
 */
export async function prepareRecipeFolder(dir: string, repoRoot: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of [
    'build.sh',
    'magick.sh',
    'openssl.sh',
    'openssl.cnf',
    'R.sh',
    'Rscript.sh',
    'bootstrap',
  ]) {
    await writeFile(join(dir, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  }
  await copyFile(join(repoRoot, 'recipes/hello/hello-1.0.0.tar.gz'), join(dir, 'hello-1.0.0.tar.gz'));
  await symlink('/etc/passwd', join(dir, 'evil.sh'));
}

/**
 * Real layer zips made by Info-ZIP, not by layerforge: Debian's own `true` and zlib (ELF files
 * nobody here wrote), a symlink chain, Python files and a folder; one deflated, one stored.
 */
export async function zipSeeds(dir: string): Promise<Buffer[]> {
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'bin'), { recursive: true });
  await mkdir(join(tree, 'lib'), { recursive: true });
  await mkdir(join(tree, 'python/pkg'), { recursive: true });
  const zlib = await realpath('/lib/x86_64-linux-gnu/libz.so.1');
  const zlibName = zlib.slice(zlib.lastIndexOf('/') + 1);
  await copyFile('/bin/true', join(tree, 'bin/true'));
  await copyFile(zlib, join(tree, 'lib', zlibName));
  await symlink(zlibName, join(tree, 'lib/libz.so.1'));
  await symlink('libz.so.1', join(tree, 'lib/libz.so'));
  await writeFile(join(tree, 'python/pkg/__init__.py'), 'VALUE = 42\n');
  await writeFile(join(tree, 'python/tool.py'), 'import pkg\nprint(pkg.VALUE)\n');
  const zips: Buffer[] = [];
  for (const [name, level] of [
    ['deflated.zip', '-6'],
    ['stored.zip', '-0'],
  ] as const) {
    execFileSync('zip', ['-q', '-r', '-y', '-X', level, join(dir, name), '.'], { cwd: tree });
    zips.push(await readFile(join(dir, name)));
  }
  return zips;
}
