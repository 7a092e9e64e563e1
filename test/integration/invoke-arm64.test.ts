// Issue 13, item 7: the pandas example on arm64. The pandas layer is built for arm64 on the debian12
// stand-in (in arm64 containers under QEMU user emulation), then examples/pandas-regression is
// invoked with --arch arm64 through AWS's arm64 emulator, cold then warm, in the arm64 invoke image.
// Layer builds are cached by content under the test cache; a second run starts no build.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { requireDocker } from '../support/docker.js';
import { testCacheDir } from '../support/fetch-real-binaries.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforge } from '../support/run-cli.js';

const example = join(import.meta.dirname, '..', '..', 'examples', 'pandas-regression');
const artifact = 'pandas-2.3.3-python3.11-arm64';
let work = '';
let env: NodeJS.ProcessEnv = {};
let emulatorPath = '';

beforeAll(async () => {
  requireDocker();
  // Without a registered aarch64 interpreter no arm64 container can start: bash .ci/run registers it.
  execFileSync('sh', ['-c', 'test -e /proc/sys/fs/binfmt_misc/qemu-aarch64'], { stdio: 'pipe' });
  const emulator = await testEmulator('arm64');
  emulatorPath = emulator.path;
  console.info(`invoke arm64: ${emulator.kind} emulator ${emulator.path}`);
  work = await mkdtemp(join(tmpdir(), 'layerforge-it-invoke-arm64-'));
  env = {
    LAYERFORGE_CACHE_DIR: join(testCacheDir(), 'invoke-arm64'),
    LAYERFORGE_BASE: 'debian12',
    LAYERFORGE_RIE: emulator.path,
  };
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** An ELF file's machine as readelf (binutils) reads it: an independent reader. */
function elfMachine(path: string): string {
  const header = execFileSync('readelf', ['-h', path], { encoding: 'utf8' });
  return /Machine:\s+(.+)/.exec(header)?.[1]?.trim() ?? '?';
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.info(`invoke arm64: ${what} took ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

const cacheHits = (events: LayerforgeEvent[]) =>
  events.flatMap((e) => (e.type === 'build.cache' ? [e.hit] : []));

describe('pandas-regression on arm64, through the arm64 emulator under QEMU', () => {
  it('builds the pandas layer for arm64, then fits the regression with its aarch64 numpy, cold then warm', async () => {
    const dist = join(work, 'dist');
    const build = await timed('build pandas --arch arm64', () =>
      runLayerforge(
        [
          'build',
          'pandas',
          '--runtime',
          'python3.11',
          '--arch',
          'arm64',
          '--base',
          'debian12',
          '--json',
          '--out',
          dist,
        ],
        { cwd: work, env },
      ),
    );
    expect(build.code, build.stderr).toBe(0);
    console.info(`invoke arm64: build cache ${cacheHits(build.events).join(', ')}`);
    const zip = join(dist, `${artifact}.zip`);
    const manifest = JSON.parse(await readFile(join(dist, `${artifact}.manifest.json`), 'utf8')) as {
      arch: string;
      base: string;
      runtimes: string[];
      audit?: { errors: number };
    };
    expect(manifest).toMatchObject({ arch: 'arm64', base: 'debian12', runtimes: ['python3.11'] });
    expect(manifest.audit?.errors).toBe(0);

    // numpy's compiled core, as it is in the zip, is aarch64 code.
    const unzipped = join(work, 'layer');
    execFileSync('unzip', ['-q', zip, '-d', unzipped]);
    const numpyCore = execFileSync(
      'sh',
      ['-c', 'ls "$0"/python/numpy/_core/_multiarray_umath.cpython-311-*.so', unzipped],
      { encoding: 'utf8' },
    ).trim();
    expect(numpyCore).toContain('aarch64-linux-gnu');
    expect(elfMachine(numpyCore)).toBe('AArch64');

    const run = await timed('invoke --arch arm64 --repeat 3', () =>
      runLayerforge(
        [
          'invoke',
          example,
          '--handler',
          'handler.handler',
          '--runtime',
          'python3.11',
          '--arch',
          'arm64',
          '--base',
          'debian12',
          '--layer',
          'pandas',
          '--repeat',
          '3',
          '--event',
          join(example, 'event.json'),
          '--out',
          dist,
          '--json',
        ],
        { cwd: work, env },
      ),
    );
    expect(run.code, run.stderr).toBe(0);
    // The recipe layer is the one just built, found in the build cache: no second build.
    expect(cacheHits(run.events)).toEqual([true]);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      image: string;
      emulator: string;
      layers: string[];
      invocations: { payload: string }[];
    };
    expect(result.layers).toEqual([zip]);
    expect(result.emulator).toBe(emulatorPath);
    expect(elfMachine(result.emulator)).toBe('AArch64');
    // The function ran in an arm64 image: its python3 is aarch64, which is also the only python
    // that can load the layer's aarch64 numpy the handler imports.
    const image = execFileSync(
      'docker',
      ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', result.image],
      { encoding: 'utf8' },
    ).trim();
    expect(image).toBe('linux/arm64');

    expect(result.invocations).toHaveLength(3);
    for (const invocation of result.invocations) {
      const fit = JSON.parse(invocation.payload) as {
        intercept: number;
        slope: number;
        r_squared: number;
        n: number;
      };
      // Least squares through (1,3.1) … (5,11.0): slope = Sxy/Sxx = 19.7/10, intercept = 7 - 1.97 * 3.
      expect(fit).toMatchObject({ intercept: 1.09, slope: 1.97, n: 5, pandas: '2.3.3', numpy: '2.2.6' });
      expect(fit.r_squared).toBeCloseTo(38.809 / 38.9, 8);
    }
    const figures = run.events.flatMap((e) => (e.type === 'invoke.report' ? [e.report] : []));
    expect(figures.map((r) => r.initDurationMs !== undefined)).toEqual([true, false, false]);
    console.info(
      `invoke arm64: init ${figures[0]?.initDurationMs} ms, cold invoke ${figures[0]?.durationMs} ms, warm ${figures
        .slice(1)
        .map((r) => r.durationMs)
        .join(', ')} ms`,
    );
  }, 3_600_000);
});
