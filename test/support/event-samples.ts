// One sample of every LayerforgeEvent, with only its required fields. The mapped type makes the
// list complete: a new member of the union fails to compile here until it has a sample, and
// the tests then feed it to every reporter and use it to check `--json` output.
import { expect } from 'vitest';
import type { EventType, LayerforgeEvent } from '../../src/core/events.js';

type Samples = { [K in EventType]: Extract<LayerforgeEvent, { type: K }> };

const size = {
  unzippedBytes: 2048,
  fileCount: 3,
  reservedBytes: 0,
  totalUnzippedBytes: 2048,
  limitBytes: 262_144_000,
  overLimit: false,
  needsS3: false,
  topDirectories: [],
  topPackages: [],
};

export const EVENT_SAMPLES: Samples = {
  'build.step.start': { type: 'build.step.start', step: 'build' },
  'build.step.end': { type: 'build.step.end', step: 'build', status: 'ok', ms: 1200 },
  'build.log': { type: 'build.log', line: 'Collecting six', source: 'container' },
  'build.cache': { type: 'build.cache', hit: true, key: 'a'.repeat(64) },
  'build.done': {
    type: 'build.done',
    zipPath: 'dist/x.zip',
    manifestPath: 'dist/x.manifest.json',
    cached: false,
  },
  'cache.remote.hit': {
    type: 'cache.remote.hit',
    key: 'a'.repeat(64),
    url: 's3://team-layers/ci',
    bytes: 4096,
  },
  'cache.remote.miss': { type: 'cache.remote.miss', key: 'a'.repeat(64), url: 's3://team-layers/ci' },
  'cache.remote.upload': {
    type: 'cache.remote.upload',
    key: 'a'.repeat(64),
    url: 's3://team-layers/ci',
    outcome: 'uploaded',
    bytes: 4096,
  },
  'size.measured': { type: 'size.measured', report: size },
  'audit.finding': {
    type: 'audit.finding',
    finding: {
      severity: 'error',
      code: 'missing-library',
      file: 'lib/a.so',
      reason: 'needs b.so',
      hint: 'add b.so',
    },
  },
  'audit.done': { type: 'audit.done', errors: 0, warnings: 1, filesChecked: 3, ms: 4 },
  'prune.rule': { type: 'prune.rule', rule: 'tests', bytesSaved: 10, reverted: false },
  'test.result': { type: 'test.result', command: 'python -c "import six"', ok: true, output: '' },
  'publish.region.start': { type: 'publish.region.start', region: 'eu-west-1', layerName: 'x' },
  'publish.region.done': { type: 'publish.region.done', region: 'eu-west-1', layerName: 'x', ok: false },
  'publish.upload': { type: 'publish.upload', region: 'eu-west-1', bucket: 'b', key: 'k', bytes: 1 },
  'publish.retry': {
    type: 'publish.retry',
    region: 'eu-west-1',
    operation: 'Publish',
    attempt: 1,
    error: 'e',
  },
  'publish.permission': {
    type: 'publish.permission',
    region: 'eu-west-1',
    layerVersionArn: 'arn:aws:lambda:eu-west-1:123456789012:layer:x:1',
    statementId: 'public',
    added: true,
  },
  'matrix.cell.start': { type: 'matrix.cell.start', cell: 'x/python3.12/arm64', engine: 'default' },
  'matrix.cell.done': { type: 'matrix.cell.done', cell: 'x/python3.12/arm64', status: 'failed', ms: 1 },
  'build.result': {
    type: 'build.result',
    zipPath: 'dist/x.zip',
    manifestPath: 'dist/x.manifest.json',
    cached: false,
    manifest: {
      schemaVersion: 1,
      recipe: { name: 'x', version: '1.0.0' },
      runtimes: ['python3.12'],
      arch: 'x86_64',
      base: 'debian12',
      zip: {
        file: 'x.zip',
        sha256: 'a'.repeat(64),
        codeSha256: 'b',
        zippedBytes: 1,
        unzippedBytes: 2,
        fileCount: 1,
      },
      inputsDigest: 'c',
      layerforgeVersion: '0.1.0',
    },
  },
  'matrix.summary': { type: 'matrix.summary', cells: [] },
  'publish.summary': {
    type: 'publish.summary',
    layerName: 'x',
    zipPath: 'dist/x.zip',
    manifestPath: 'dist/x.manifest.json',
    sha256: 'a'.repeat(64),
    codeSha256: 'b',
    zippedBytes: 1,
    regions: [],
    lockFile: undefined,
  },
  'base.built': {
    type: 'base.built',
    base: 'debian12',
    arch: 'x86_64',
    buildImage: 'layerforge/debian12-build:0123456789abcdef-x86_64',
    runtimeImage: 'layerforge/debian12-runtime:0123456789abcdef-x86_64',
  },
  'invoke.result': {
    type: 'invoke.result',
    ok: true,
    image: 'i',
    emulator: 'e',
    layers: [],
    invocations: [],
  },
  'invoke.log': { type: 'invoke.log', source: 'function', line: 'hello' },
  'invoke.report': {
    type: 'invoke.report',
    invocation: 1,
    report: { requestId: 'r', durationMs: 1, source: 'measured' },
  },
  'invoke.response': { type: 'invoke.response', invocation: 1, statusCode: 200, payload: '{}' },
  warning: { type: 'warning', code: 'stand-in-base', message: 'built on a stand-in' },
  info: { type: 'info', message: 'hello' },
};

/**
 * Checks that every line of `stdout` is one JSON event of the union: a known `type` with the
 * fields its sample has (keys whose value is undefined are absent from JSON, so not required).
 */
export function expectEventLines(stdout: string): LayerforgeEvent[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    const record = JSON.parse(line) as { type?: unknown };
    expect(Object.keys(EVENT_SAMPLES), line).toContain(record.type);
    const sample = EVENT_SAMPLES[record.type as EventType];
    const required = Object.entries(sample)
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    expect(Object.keys(record), line).toEqual(expect.arrayContaining(required));
    return record as LayerforgeEvent;
  });
}
