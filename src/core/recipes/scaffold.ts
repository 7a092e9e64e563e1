import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';
import { temporarySibling } from '../fs/atomic.js';
import { RECIPE_FILE, loadRecipe } from './load.js';
import { RECIPE_NAME } from './names.js';

/** The recipe.yaml `layerforge init` writes: valid as it stands, with the other forms commented. */
export function scaffoldYaml(name: string, schemaRef: string): string {
  const module = name.replace(/-/g, '_');
  return `# yaml-language-server: $schema=${schemaRef}
name: ${name}
version: 0.1.0
summary: ${name} for AWS Lambda
license: MIT
homepage: https://example.com/${name}
runtimes: [python3.12, python3.13]
architectures: [x86_64, arm64]
install:
  # Wheels for the target runtime's Python, glibc and architecture, into python/.
  python:
    requirements: [${name}]
  # Or OS packages per OS, exported to /opt/bin and /opt/lib with their libraries:
  # packages: { al2023: [${name}], debian12: [${name}] }
  # Or sources with a build script that installs into $PREFIX (/opt):
  # sources:
  #   - url: https://example.com/${name}-0.1.0.tar.gz
  #     sha256: <64 lowercase hex characters, from sha256sum>
  # script: build.sh
# export:
#   binaries: [${name}]
#   libraries: [lib${module}.so.1]
# prune:
#   remove: ['python/**/tests']
tests:
  - name: imports
    run: python3 -c "import ${module}"
budget:
  unzippedMB: 100
`;
}

/** `$schema` reference from a recipe folder to the JSON Schema, with forward slashes as editors expect. */
export function schemaReference(recipeDir: string, schemaFile: string): string {
  return relative(recipeDir, schemaFile).split(sep).join('/');
}

/**
 * Writes `<parent>/<name>/recipe.yaml` and validates it before it appears: the folder is
 * built under a temporary name and renamed, so it exists whole or not at all. Refuses an
 * invalid name or an existing folder without touching anything. Returns the new folder.
 */
export async function scaffoldRecipe(name: string, parent: string, schemaFile: string): Promise<string> {
  if (!RECIPE_NAME.test(name)) {
    throw new UserError(`"${name}" is not a valid recipe name`, {
      hint: 'use lowercase letters, digits and dashes, starting with a letter or digit (at most 63)',
    });
  }
  const dir = join(parent, name);
  if (existsSync(dir)) {
    throw new UserError(`${dir} already exists`, { hint: 'pick another name, or edit that recipe' });
  }
  await mkdir(parent, { recursive: true });
  const staging = temporarySibling(dir);
  try {
    await mkdir(staging);
    await writeFile(join(staging, RECIPE_FILE), scaffoldYaml(name, schemaReference(dir, schemaFile)));
    await loadRecipe(staging);
    await rename(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}
