import { describe, expect, it } from 'vitest';
import type { LayerManifest } from '../../../src/core/layer/manifest.js';
import {
  defaultLayerName,
  layerDescription,
  layerMetadata,
  runtimeTag,
  sanitizeLayerName,
  validateLayerName,
} from '../../../src/core/publish/layer-metadata.js';

const SHA = 'a'.repeat(64);
function manifest(overrides: Partial<LayerManifest> = {}): LayerManifest {
  return {
    schemaVersion: 1,
    recipe: { name: 'pandas', version: '2.2.3', license: 'BSD-3-Clause' },
    runtimes: ['python3.12'],
    arch: 'x86_64',
    base: 'lambda',
    zip: { file: 'x.zip', sha256: SHA, codeSha256: 'qqqq', zippedBytes: 1, unzippedBytes: 1, fileCount: 1 },
    inputsDigest: 'd',
    layerforgeVersion: '0.1.0',
    ...overrides,
  };
}

describe('layer names', () => {
  it('defaults to <recipe>-<runtime family+version>-<arch>', () => {
    expect(defaultLayerName(manifest(), '/d/x.zip')).toBe('pandas-python312-x86_64');
    expect(defaultLayerName(manifest({ runtimes: ['nodejs20.x'], arch: 'arm64' }), '/d/x.zip')).toBe(
      'pandas-nodejs20-arm64',
    );
    expect(defaultLayerName(manifest({ runtimes: ['provided.al2023'] }), '/d/x.zip')).toBe(
      'pandas-providedal2023-x86_64',
    );
    expect(defaultLayerName(manifest({ runtimes: ['java8.al2'] }), '/d/x.zip')).toBe('pandas-java8-x86_64');
  });

  it('uses the zip name when the manifest has no recipe', () => {
    expect(defaultLayerName(manifest({ recipe: null }), '/d/my.layer-1.0.zip')).toBe('my-layer-1-0');
  });

  it('sanitizes to Lambda’s characters and 64 characters', () => {
    expect(sanitizeLayerName('@scope/pkg name')).toBe('scope-pkg-name');
    expect(sanitizeLayerName('x'.repeat(70) + '-y')).toBe('x'.repeat(64));
    expect(sanitizeLayerName('!!!')).toBe('layer');
    expect(defaultLayerName(manifest({ recipe: { name: 'sharp@libvips', version: '1' } }), '/x.zip')).toBe(
      'sharp-libvips-python312-x86_64',
    );
  });

  it('validates user names', () => {
    expect(validateLayerName('ok_Name-1')).toBe('ok_Name-1');
    expect(() => validateLayerName('has space')).toThrow(/not a valid layer name/);
    expect(() => validateLayerName('')).toThrow(/not a valid layer name/);
    expect(() => validateLayerName('x'.repeat(65))).toThrow(/not a valid layer name/);
  });

  it('tags runtimes unknown to the catalog by their id', () => {
    expect(runtimeTag('python3.99')).toBe('python399');
    expect(runtimeTag('nodejs30.x')).toBe('nodejs30');
  });
});

describe('layer metadata', () => {
  it('describes recipe@version, runtimes, arch and the sha256 within 256 characters', () => {
    const text = layerDescription(manifest({ runtimes: ['python3.12', 'python3.13'] }), SHA, '/x.zip');
    expect(text).toMatch(/^pandas@2\.2\.3 python3\.12,python3\.13 x86_64 sha256:a{64} \(layerforge [^)]+\)$/);
  });

  it('drops the runtime list, then cuts the name, but never the digest', () => {
    const many = Array.from({ length: 15 }, (_, i) => `python3.${i}`);
    const medium = layerDescription(manifest({ runtimes: [...many, ...many] }), SHA, '/x.zip');
    expect(medium).toMatch(/^pandas@2\.2\.3 x86_64 sha256:a{64}/);
    const long = layerDescription(
      manifest({ recipe: { name: 'n'.repeat(300), version: '1' } }),
      SHA,
      '/x.zip',
    );
    expect(long.length).toBe(256);
    expect(long).toContain(`sha256:${SHA}`);
  });

  it('fills runtimes (max 15), architecture and license from the manifest', () => {
    const runtimes = Array.from({ length: 17 }, (_, i) => `python3.${i}`);
    const meta = layerMetadata(manifest({ runtimes, arch: 'arm64' }), SHA, '/x.zip');
    expect(meta.CompatibleRuntimes).toHaveLength(15);
    expect(meta.droppedRuntimes).toEqual(['python3.15', 'python3.16']);
    expect(meta.CompatibleArchitectures).toEqual(['arm64']);
    expect(meta.LicenseInfo).toBe('BSD-3-Clause');
    expect('LicenseInfo' in layerMetadata(manifest({ recipe: null }), SHA, '/x.zip')).toBe(false);
  });
});
