import { describe, expect, it } from 'vitest';
import {
  manifestProblem,
  parseEntryRecord,
  type EntryRecord,
} from '../../../src/core/remote-cache/entry-record.js';
import type { LayerManifest } from '../../../src/core/layer/manifest.js';

const key = 'c'.repeat(64);
const artifact = 'hello-1.0.0-provided.al2023-x86_64.zip';
const record: EntryRecord = {
  layerforgeCacheEntry: 1,
  inputsDigest: key,
  artifact,
  zip: { sha256: 'a'.repeat(64), bytes: 1234 },
  manifest: { sha256: 'b'.repeat(64), bytes: 567 },
};
const manifest = {
  schemaVersion: 1,
  recipe: { name: 'hello', version: '1.0.0' },
  runtimes: ['provided.al2023'],
  arch: 'x86_64',
  base: 'debian12',
  zip: {
    file: artifact,
    sha256: 'a'.repeat(64),
    codeSha256: 'x',
    zippedBytes: 1234,
    unzippedBytes: 4000,
    fileCount: 3,
  },
  inputsDigest: key,
  layerforgeVersion: '0.0.0',
} satisfies LayerManifest;

describe('an entry record read from the remote cache', () => {
  it('is used when it is for the key and the artifact', () => {
    expect(parseEntryRecord(JSON.stringify(record), key, artifact)).toEqual({ record });
  });

  it.each([
    ['not JSON', '{"layerforgeCacheEntry":', 'is not JSON'],
    ['another shape', JSON.stringify({ ...record, extra: 1 }), 'is not one layerforge writes'],
    [
      'a path for a name',
      JSON.stringify({ ...record, artifact: '../x.zip' }),
      'is not one layerforge writes',
    ],
    [
      'another key',
      JSON.stringify({ ...record, inputsDigest: 'd'.repeat(64) }),
      `is for inputs ${'d'.repeat(64)}`,
    ],
    [
      'another artifact',
      JSON.stringify({ ...record, artifact: 'jq-1.7.1-provided.al2023-x86_64.zip' }),
      'names jq-1.7.1',
    ],
  ])('is refused when it is %s', (_what, text, problem) => {
    const parsed = parseEntryRecord(text, key, artifact);
    expect('problem' in parsed && parsed.problem).toContain(problem);
  });
});

describe('a manifest downloaded with an entry', () => {
  it('belongs to it when it is for the key and describes the recorded zip', () => {
    expect(manifestProblem(manifest, record)).toBeUndefined();
  });

  it('is refused when it is for other inputs, even though its zip is whole', () => {
    expect(manifestProblem({ ...manifest, inputsDigest: 'e'.repeat(64) }, record)).toBe(
      `its manifest is for inputs ${'e'.repeat(64)}, not ${key}`,
    );
  });

  it('is refused when it describes another zip', () => {
    expect(
      manifestProblem({ ...manifest, zip: { ...manifest.zip, sha256: 'f'.repeat(64) } }, record),
    ).toMatch(/describes a zip with sha256 f+/);
    expect(manifestProblem({ ...manifest, zip: { ...manifest.zip, zippedBytes: 1 } }, record)).toMatch(
      /a zip of 1 bytes/,
    );
    expect(manifestProblem({ ...manifest, zip: { ...manifest.zip, file: 'other.zip' } }, record)).toMatch(
      /describes other.zip/,
    );
  });
});
