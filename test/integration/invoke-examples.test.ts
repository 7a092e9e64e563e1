// Issue 9, item 2: each flagship example invoked end to end with `layerforge invoke`, through the
// emulator, with its own event.json, its layer built from the bundled recipe on the debian12 base.
// Layer builds are cached by content under the test cache, so a second run starts no build.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { requireDocker } from '../support/docker.js';
import { testCacheDir } from '../support/fetch-real-binaries.js';
import { expectRegressionFit } from '../support/regression-fit.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const shared = sharedTempDir('layerforge-it-examples-');
let work = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  requireDocker();
  const emulator = await testEmulator('x86_64');
  console.info(`invoke examples: ${emulator.kind} emulator ${emulator.path}`);
  work = shared.path;
  env = {
    LAYERFORGE_CACHE_DIR: join(testCacheDir(), 'invoke-examples'),
    LAYERFORGE_BASE: 'debian12',
    LAYERFORGE_RIE: emulator.path,
  };
}, 600_000);

function invoke(example: string, args: string[], event = join(examples, example, 'event.json')) {
  return runLayerforge(
    ['invoke', join(examples, example), ...args, '--event', event, '--out', join(work, 'dist')],
    { cwd: work, env },
  );
}

const reports = (events: LayerforgeEvent[]) =>
  events.flatMap((e) => (e.type === 'invoke.report' ? [e.report] : []));

/** A JPEG's size from its start-of-frame segment: read from the bytes, not from ImageMagick. */
function jpegSize(data: Buffer): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < data.length && data[offset] === 0xff) {
    const marker = data[offset + 1] ?? 0;
    const length = data.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}

const python = (layer: string, repeat = '1') => [
  '--handler',
  'handler.handler',
  '--runtime',
  'python3.11',
  '--layer',
  layer,
  '--repeat',
  repeat,
];

describe('the examples, invoked through the emulator', () => {
  it('pandas-regression: a linear regression with pandas and numpy from the pandas layer, cold then warm', async () => {
    const run = await invoke('pandas-regression', [...python('pandas', '3'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      invocations: { payload: string }[];
    };
    expect(result.invocations).toHaveLength(3);
    for (const invocation of result.invocations) {
      expectRegressionFit(invocation.payload, { pandas: /^\d+\.\d+/, numpy: /^\d+\.\d+/ });
    }
    const figures = reports(run.events);
    expect(figures.map((r) => r.initDurationMs !== undefined)).toEqual([true, false, false]);
    console.info(
      `pandas-regression: init ${figures[0]?.initDurationMs} ms, cold invoke ${figures[0]?.durationMs} ms, warm ${figures
        .slice(1)
        .map((r) => r.durationMs)
        .join(', ')} ms`,
    );
  }, 1_800_000);

  it('pandas-regression: too few points is a ValueError, returned as Lambda returns it', async () => {
    await writeFile(join(work, 'two-points.json'), '{"x": [1, 2], "y": [1, 2]}');
    const run = await invoke('pandas-regression', python('pandas'), join(work, 'two-points.json'));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      errorType: 'ValueError',
      errorMessage: 'the event needs x and y: numeric arrays of the same length, at least 3 points',
    });
  }, 1_800_000);

  it('openssl-digest: the layer\'s openssl computes the FIPS 180-2 "abc" SHA-256 digest', async () => {
    const run = await invoke('openssl-digest', python('openssl'));
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      algorithm: string;
      digest: string;
      matches_hashlib: boolean;
      openssl: string;
    };
    expect(answer).toMatchObject({
      algorithm: 'sha256',
      digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      matches_hashlib: true,
    });
    expect(answer.openssl).toMatch(/^OpenSSL \d+\.\d+\.\d+/);
  }, 1_800_000);

  it('thumbnail: ImageMagick from the layer makes a 128x128 JPEG out of a 640x480 PNG', async () => {
    const run = await invoke('thumbnail', python('imagemagick'));
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      source: { width: number; height: number; format: string };
      thumbnail: { width: number; height: number; format: string; bytes: number };
      thumbnail_base64: string;
    };
    expect(answer.source).toEqual({ width: 640, height: 480, format: 'PNG' });
    expect(answer.thumbnail).toMatchObject({ width: 128, height: 128, format: 'JPEG' });
    const jpeg = Buffer.from(answer.thumbnail_base64, 'base64');
    expect(jpeg.length).toBe(answer.thumbnail.bytes);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpegSize(jpeg)).toEqual({ width: 128, height: 128 });
  }, 1_800_000);

  it("r-handler: an R function fits lm() through the R runtime layer's /opt/bootstrap on provided.al2023", async () => {
    const run = await invoke('r-handler', [
      '--handler',
      'handler.fit',
      '--runtime',
      'provided.al2023',
      '--layer',
      'r-runtime',
      '--repeat',
      '2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      invocations: { payload: string }[];
    };
    for (const invocation of result.invocations) {
      const fit = JSON.parse(invocation.payload) as {
        intercept: number;
        slope: number;
        r_squared: number;
        n: number;
        request_id: string;
      };
      // Least squares through (1,3.1) … (5,11.0): slope = Sxy/Sxx = 19.7/10, intercept = 7 - 1.97 * 3.
      expect(fit).toMatchObject({ intercept: 1.09, slope: 1.97, n: 5 });
      expect(fit.r_squared).toBeCloseTo(38.809 / 38.9, 8);
      expect(fit.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const figures = reports(run.events);
    expect(figures.map((r) => r.initDurationMs !== undefined)).toEqual([true, false]);
    console.info(
      `r-handler: init ${figures[0]?.initDurationMs} ms, cold ${figures[0]?.durationMs} ms, warm ${figures[1]?.durationMs} ms`,
    );
  }, 1_800_000);

  it('r-handler: an R condition comes back as Lambda reports a handler error', async () => {
    await writeFile(join(work, 'too-few.json'), '{"x": [1], "y": [2]}');
    const run = await invoke(
      'r-handler',
      ['--handler', 'handler.fit', '--runtime', 'provided.al2023', '--layer', 'r-runtime'],
      join(work, 'too-few.json'),
    );
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stdout) as {
      errorType: string;
      errorMessage: string;
      stackTrace: unknown[];
    };
    expect(error.errorType).toBe('InvalidEvent');
    expect(error.errorMessage).toBe(
      'the event needs x and y: numeric arrays of the same length, at least 3 points',
    );
    expect(Array.isArray(error.stackTrace)).toBe(true);
  }, 1_800_000);
});
