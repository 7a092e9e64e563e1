import type { LockEntry } from '../../src/core/publish/lock-file.js';

/** A lock file entry for version `layerVersion` of a layer, each digest derived from the version. */
export function lockEntry(
  layerName: string,
  region: string,
  layerVersion: number,
  extra: Partial<LockEntry> = {},
): LockEntry {
  const account = extra.account ?? '123456789012';
  return {
    layerName,
    account,
    recipe: layerName,
    recipeVersion: '1.0.0',
    runtimes: ['python3.12'],
    arch: 'x86_64',
    region,
    layerVersionArn: `arn:aws:lambda:${region}:${account}:layer:${layerName}:${layerVersion}`,
    layerVersion,
    sha256: String(layerVersion).repeat(64).slice(0, 64),
    codeSha256: `code-${layerVersion}`,
    inputsDigest: `inputs-${layerVersion}`,
    publishedAt: `2026-01-0${layerVersion}T00:00:00.000Z`,
    current: true,
    ...extra,
  };
}
