import { createHash } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { manifestSchema } from '../../src/core/layer/manifest-schema.js';

/**
 * Writes cache items as layerforge's writers lay them out (`builder/cache.ts`, `build-layer.ts`,
 * `base-images/ensure.ts`, `builder/sources.ts`), with the ages a test needs: for the tests of
 * `cache list|prune|clean` that do not build. The integration test uses real built entries.
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

async function age(path: string, msAgo: number): Promise<void> {
  const when = new Date(Date.now() - msAgo);
  await utimes(path, when, when);
}

/** A file of `bytes` bytes, `msAgo` old. */
export async function agedFile(path: string, bytes: number, msAgo: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes, 7));
  await age(path, msAgo);
}

export interface FixtureBuild {
  recipe: string;
  version?: string;
  runtime: string;
  arch: 'x86_64' | 'arm64';
  base?: string;
  msAgo: number;
  zipBytes?: number;
  /** Also writes its log in logs/. */
  log?: boolean;
}

/** `builds/<digest>/` with a zip and a valid manifest (and `logs/<artifact>-<digest12>.log`); returns the digest. */
export async function fixtureBuild(root: string, build: FixtureBuild): Promise<string> {
  const base = build.base ?? 'debian12';
  const version = build.version ?? '1.0.0';
  const artifact = `${build.recipe}-${version}-${build.runtime}-${build.arch}`;
  const digest = createHash('sha256').update(`${artifact} ${build.msAgo} ${base}`).digest('hex');
  const dir = join(root, 'builds', digest);
  const zip = Buffer.alloc(build.zipBytes ?? 1000, 1);
  const sha = createHash('sha256').update(zip).digest();
  const manifest = manifestSchema.parse({
    schemaVersion: 1,
    recipe: { name: build.recipe, version },
    runtimes: [build.runtime],
    arch: build.arch,
    base,
    zip: {
      file: `${artifact}.zip`,
      sha256: sha.toString('hex'),
      codeSha256: sha.toString('base64'),
      zippedBytes: zip.length,
      unzippedBytes: zip.length,
      fileCount: 1,
    },
    inputsDigest: digest,
    layerforgeVersion: '0.1.0',
  });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${artifact}.zip`), zip);
  await writeFile(join(dir, `${artifact}.manifest.json`), JSON.stringify(manifest, null, 2) + '\n');
  await age(join(dir, `${artifact}.zip`), build.msAgo);
  await age(join(dir, `${artifact}.manifest.json`), build.msAgo);
  await age(dir, build.msAgo);
  if (build.log)
    await agedFile(join(root, 'logs', `${artifact}-${digest.slice(0, 12)}.log`), 300, build.msAgo);
  return digest;
}

/** `rootfs/<base>-<digest16>-<arch>.tar`. */
export async function fixtureRootfs(
  root: string,
  base: string,
  arch: string,
  msAgo: number,
): Promise<string> {
  const digest = createHash('sha256').update(`${base} ${arch} ${msAgo}`).digest('hex').slice(0, 16);
  const path = join(root, 'rootfs', `${base}-${digest}-${arch}.tar`);
  await agedFile(path, 5000, msAgo);
  return path;
}

/** A folder under a writer's temporary name (`.<digest>.<pid>.tmp`), with a file inside. */
export async function fixtureStaging(root: string, pid: number, msAgo: number): Promise<string> {
  const path = join(root, 'builds', `.${'e'.repeat(64)}.${pid}.tmp`);
  await agedFile(join(path, 'layer.zip'), 200, msAgo);
  await age(path, msAgo);
  return path;
}
