import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { packageLayer } from '../../src/core/layer/package-layer.js';
import type { LayerPackages } from '../../src/core/layer/manifest-packages.js';
import { writeLayerZip } from '../../src/core/layer/zip-writer.js';
import { makeTree, type TreeSpec } from '../unit/layer/helpers.js';
import { testJob } from './job-context.js';

/** A wheel's dist-info as pip leaves it (METADATA and RECORD), plus one module. */
export function wheel(name: string, version: string, license: string, extraBytes = 0): TreeSpec {
  const dist = `python/${name}-${version}.dist-info`;
  return {
    [`python/${name}/__init__.py`]: { file: `__version__ = "${version}"\n` + '#'.repeat(extraBytes) },
    [`${dist}/METADATA`]: {
      file: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nLicense: ${license}\n\n${name} does things.\n`,
    },
    [`${dist}/RECORD`]: { file: `${name}/__init__.py,,\n${dist}/METADATA,,\n` },
  };
}

/** An npm package folder with its package.json. */
export function npmPackage(name: string, version: string, license: string): TreeSpec {
  return {
    [`nodejs/node_modules/${name}/package.json`]: {
      file: JSON.stringify({ name, version, license, main: 'index.js' }),
    },
    [`nodejs/node_modules/${name}/index.js`]: { file: 'module.exports = 1;\n' },
  };
}

/** npm's hidden lock file for the given packages, as `npm install` writes it. */
export function hiddenLock(packages: { name: string; version: string }[]): TreeSpec {
  const entries = Object.fromEntries(
    packages.map((p) => [
      `node_modules/${p.name}`,
      {
        version: p.version,
        resolved: `https://registry.invalid/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`,
        integrity: `sha512-${Buffer.alloc(64, p.version.length).toString('base64')}`,
      },
    ]),
  );
  return {
    'nodejs/node_modules/.package-lock.json': {
      file: JSON.stringify({ name: 'layer', lockfileVersion: 3, requires: true, packages: entries }),
    },
  };
}

/**
 * A layer zip with its manifest (written by packageLayer, as a build does) recording `packages`,
 * or with no manifest at all when `packages` is undefined: a zip made by another tool.
 */
export async function makeLayer(
  dir: string,
  name: string,
  tree: TreeSpec,
  packages?: LayerPackages,
): Promise<string> {
  const staging = join(dir, `${name}-tree`);
  await makeTree(staging, tree);
  const zipPath = join(dir, `${name}.zip`);
  if (!packages) {
    await writeLayerZip(staging, zipPath, {});
    return zipPath;
  }
  await packageLayer(
    {
      stagingDir: staging,
      zipPath,
      manifest: {
        recipe: { name, version: '1.0.0', license: 'MIT' },
        runtimes: ['python3.11'],
        arch: 'x86_64',
        base: 'debian12',
        inputsDigest: 'sha256:0123',
        packages,
      },
    },
    testJob(),
  );
  return zipPath;
}

/** CycloneDX's own JSON validator (the CycloneDX library's bundled 1.6 schema, strict): null when valid. */
export async function cyclonedxErrors(text: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
}
