// arm64 layers built and smoke-tested under QEMU user emulation (issue 9, item 3).
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { requireDocker } from '../support/docker.js';
import { testCacheDir } from '../support/fetch-real-binaries.js';
import { expectRegressionFit } from '../support/regression-fit.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-arm64-');
let work: string;
// One build cache for the file: the invoke at the end finds the pandas layer built before it
// (builds under QEMU take minutes), and a second run of the file starts no build.
const env = { LAYERFORGE_CACHE_DIR: join(testCacheDir(), 'arm64') };

beforeAll(async () => {
  requireDocker();
  // Without a registered aarch64 interpreter no arm64 container can start: bash .ci/run registers it.
  execFileSync('sh', ['-c', 'test -e /proc/sys/fs/binfmt_misc/qemu-aarch64'], { stdio: 'pipe' });
  work = shared.path;
});

/** The ELF machine of every ELF file in an extracted layer, by an independent reader (readelf). */
async function elfMachines(dir: string): Promise<Map<string, string>> {
  const machines = new Map<string, string>();
  for (const rel of (await readdir(dir, { recursive: true })).map(String)) {
    const path = join(dir, rel);
    const head = execFileSync(
      'sh',
      ['-c', `test -f "$0" -a ! -L "$0" && head -c 4 "$0" | od -An -c || true`, path],
      { encoding: 'utf8' },
    );
    if (!/177\s+E\s+L\s+F/.test(head)) continue;
    const header = execFileSync('readelf', ['-h', path], { encoding: 'utf8' });
    machines.set(rel, /Machine:\s+(.+)/.exec(header)?.[1]?.trim() ?? '?');
  }
  return machines;
}

describe.each([
  ['hello', 'provided.al2023', 'hello-1.0.0-provided.al2023-arm64'],
  ['pandas', 'python3.11', 'pandas-2.3.3-python3.11-arm64'],
])('%s for arm64', (recipe, runtime, artifact) => {
  it('builds in arm64 containers, passes its smoke tests, and holds aarch64 ELF files only', async () => {
    const out = join(work, recipe);
    const run = await runLayerforge(
      ['test', recipe, '--arch', 'arm64', '--runtime', runtime, '--base', 'debian12', '--json', '--out', out],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const tests = run.events.filter((e) => e.type === 'test.result');
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.every((t) => t.type === 'test.result' && t.ok)).toBe(true);

    const zip = join(out, `${artifact}.zip`);
    const extracted = join(work, `${recipe}-unzipped`);
    execFileSync('unzip', ['-q', zip, '-d', extracted]);
    const machines = await elfMachines(extracted);
    expect(machines.size).toBeGreaterThan(0);
    expect([...new Set(machines.values())]).toEqual(['AArch64']);

    // The audit reads e_machine itself: the same zip passes for arm64 and fails for x86_64.
    const asArm = await runLayerforge(
      ['audit', zip, '--runtime', runtime, '--arch', 'arm64', '--os', 'debian12', '--json'],
      { cwd: work },
    );
    expect(asArm.stdout).not.toContain('arch-mismatch');
    const asX86 = await runLayerforge(
      ['audit', zip, '--runtime', runtime, '--arch', 'x86_64', '--os', 'debian12', '--json'],
      { cwd: work },
    );
    expect(asX86.code).toBe(1);
    const mismatches = (JSON.parse(asX86.stdout) as { findings: { code: string; file: string }[] }).findings
      .filter((f) => f.code === 'arch-mismatch')
      .map((f) => f.file);
    // Every ELF file readelf saw, and nothing else but the wheels' own aarch64 tags.
    const elfFlagged = mismatches.filter((f) => machines.has(f)).sort();
    expect(elfFlagged).toEqual([...machines.keys()].sort());
    expect(mismatches.filter((f) => !machines.has(f)).every((f) => f.endsWith('.dist-info/WHEEL'))).toBe(
      true,
    );
  }, 1_800_000);
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

// Issue 13, item 7: examples/pandas-regression invoked with --arch arm64 through AWS's arm64
// emulator under QEMU, cold then warm, in the arm64 invoke image, with the pandas layer above.
describe('pandas-regression on arm64, through the arm64 emulator under QEMU', () => {
  const example = join(import.meta.dirname, '..', '..', 'examples', 'pandas-regression');
  let emulatorPath = '';
  beforeAll(async () => {
    const emulator = await testEmulator('arm64');
    emulatorPath = emulator.path;
    console.info(`invoke arm64: ${emulator.kind} emulator ${emulator.path}`);
  }, 600_000);

  it('fits the regression with the layer’s aarch64 numpy, cold then warm', async () => {
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
          join(work, 'invoke'),
          '--json',
        ],
        { cwd: work, env: { ...env, LAYERFORGE_RIE: emulatorPath } },
      ),
    );
    expect(run.code, run.stderr).toBe(0);
    console.info(`invoke arm64: build cache ${cacheHits(run.events).join(', ')}`);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      image: string;
      emulator: string;
      layers: string[];
      invocations: { payload: string }[];
    };
    expect(result.layers).toHaveLength(1);
    // The layer the function ran with: numpy's compiled core in it is aarch64 code.
    const unzipped = join(work, 'invoked-layer');
    execFileSync('unzip', ['-q', result.layers[0] ?? '', '-d', unzipped]);
    const numpyCore = execFileSync(
      'sh',
      ['-c', 'ls "$0"/python/numpy/_core/_multiarray_umath.cpython-311-*.so', unzipped],
      { encoding: 'utf8' },
    ).trim();
    expect(elfMachine(numpyCore)).toBe('AArch64');
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
      // The recipe's pins, exactly: the layer on arm64 is the same pandas and numpy as on x86_64.
      expectRegressionFit(invocation.payload, { pandas: /^2\.3\.3$/, numpy: /^2\.2\.6$/ });
    }
    const figures = run.events.flatMap((e) => (e.type === 'invoke.report' ? [e.report] : []));
    expect(figures.map((r) => r.initDurationMs !== undefined)).toEqual([true, false, false]);
    console.info(
      `invoke arm64: init ${figures[0]?.initDurationMs} ms, cold invoke ${figures[0]?.durationMs} ms, warm ${figures
        .slice(1)
        .map((r) => r.durationMs)
        .join(', ')} ms`,
    );
  }, 1_800_000);
});
