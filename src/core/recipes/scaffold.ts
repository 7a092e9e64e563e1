import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { temporarySibling } from '../fs/atomic.js';
import { loadRecipe } from './load.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function recipeYaml(name: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
name: ${name}
version: 0.1.0
summary: ${name} for AWS Lambda
license: MIT
homepage: https://example.com/${name}
runtimes: [python3.12, python3.11]
architectures: [x86_64, arm64]
install:
  # Wheels for the target runtime's Python, glibc and arch, into python/.
  python:
    requirements: [${name}]
  # Or OS packages per OS, exported to /opt/bin and /opt/lib with their libraries:
  # packages: { al2023: [${name}], debian12: [${name}] }
  # Or sources with a build script that installs into $PREFIX (/opt):
  # sources: [{ url: https://example.com/${name}.tar.gz, sha256: <64 hex> }]
  # script: build.sh
tests:
  - run: python3 -c "import ${name.replace(/-/g, '_')}"
budget:
  unzippedMB: 100
`;
}

/**
 * Writes `<parent>/<name>/recipe.yaml` and validates it; the folder appears whole or not at all.
 * Returns the new folder.
 */
export async function scaffoldRecipe(name: string, parent: string, schemaPath: string): Promise<string> {
  if (!NAME.test(name)) {
    throw new UserError(`"${name}" is not a valid recipe name`, {
      hint: 'use lowercase letters, digits and dashes, starting with a letter or digit',
    });
  }
  const dir = join(parent, name);
  if (existsSync(dir)) throw new UserError(`${dir} already exists`, { hint: 'pick another name or edit that recipe' });
  await mkdir(parent, { recursive: true });
  const staging = temporarySibling(dir);
  try {
    await mkdir(staging);
    await writeFile(join(staging, 'recipe.yaml'), recipeYaml(name, relative(dir, schemaPath) || schemaPath));
    await loadRecipe(staging);
    await rename(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}
