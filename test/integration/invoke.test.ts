// `layerforge invoke` end to end: the real engine, the debian12 runtime image with AWS's runtime
// interface client from PyPI, a layer built from a recipe, and an emulator inside the container
// (AWS's when it can be installed; see test/support/rie.ts). Nothing here is faked.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const functions = join(import.meta.dirname, '..', 'fixtures', 'functions');
const shared = sharedTempDir('layerforge-it-invoke-');
let work = '';
let env: NodeJS.ProcessEnv = {};
let helloZip = '';

/** A layer zip written by Python's zipfile, holding one world-readable text file (writestr's default is 0600). */
function textLayer(name: string, path: string, text: string): string {
  const zip = join(work, name);
  const script =
    'import sys, zipfile\ni = zipfile.ZipInfo(sys.argv[2]); i.external_attr = 0o100644 << 16\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr(i, sys.argv[3])';
  execFileSync('python3', ['-c', script, zip, path, text]);
  return zip;
}

const reports = (events: LayerforgeEvent[]) =>
  events.flatMap((e) => (e.type === 'invoke.report' ? [e.report] : []));

beforeAll(async () => {
  requireDocker();
  const emulator = await testEmulator('x86_64');
  console.info(`invoke tests: ${emulator.kind} emulator ${emulator.path}`);
  work = shared.path;
  env = {
    LAYERFORGE_CACHE_DIR: join(work, 'cache'),
    LAYERFORGE_BASE: 'debian12',
    LAYERFORGE_RIE: emulator.path,
  };
  const build = await runLayerforge(['build', 'hello', '--runtime', 'python3.11', '--out', 'dist'], {
    cwd: work,
    env,
  });
  expect(build.code, build.stderr).toBe(0);
  helloZip = join(work, 'dist', 'hello-1.0.0-python3.11-x86_64.zip');
}, 900_000);

describe('layerforge invoke through the emulator', () => {
  it('runs a Python handler with a recipe layer, sandboxed as Lambda runs it, later layers winning', async () => {
    const a = textLayer('greeting-a.zip', 'share/greeting.txt', 'from layer A');
    const b = textLayer('greeting-b.zip', 'share/greeting.txt', 'from layer B');
    const run = await runLayerforge(
      [
        'invoke',
        join(functions, 'py-layer'),
        '--handler',
        'app.handler',
        '--runtime',
        'python3.11',
        '--layer',
        'hello',
        '--layer',
        a,
        '--layer',
        b,
        '--event',
        join(functions, 'py-layer', 'event.json'),
      ],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const response = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(response).toMatchObject({
      hello: 'hello, lambda, from a layerforge layer',
      greeting: 'from layer B',
      uid: 993,
      gid: 990,
      writable: { '/tmp': true, '/var/task': false, '/opt': false, '/': false },
      interfaces: ['lo'],
    });
    expect(run.stderr).toContain("handling 'lambda'\n");
    expect(run.stderr).toContain(
      'layer 3 (greeting-b.zip) replaces 1 path(s) of earlier layers in /opt: share/greeting.txt',
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `^REPORT RequestId: ${String(response.requestId)}\\tInit Duration: [\\d.]+ ms\\tDuration: [\\d.]+ ms`,
        'm',
      ),
    );
  }, 600_000);

  it('reports a handler that raises the way Lambda does, and exits 1', async () => {
    const run = await runLayerforge(
      [
        'invoke',
        join(functions, 'py-raises'),
        '--handler',
        'app.handler',
        '--runtime',
        'python3.11',
        '--event',
        join(functions, 'py-raises', 'event.json'),
      ],
      { cwd: work, env },
    );
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stdout) as { errorType: string; errorMessage: string; stackTrace: string[] };
    expect(error.errorType).toBe('ValueError');
    expect(error.errorMessage).toBe('cannot handle this event');
    expect(error.stackTrace.join('')).toContain('/var/task/app.py');
    expect(run.stderr).toContain('function error (invocation 1): ValueError: cannot handle this event');
    expect(run.stderr).toMatch(/^\[ERROR\] ValueError: cannot handle this event$/m);
  }, 600_000);

  it('runs a provided.al2023 function through its own bootstrap, answers and errors alike', async () => {
    const fn = join(functions, 'provided-bootstrap');
    const args = [
      'invoke',
      fn,
      '--handler',
      'fn.handler',
      '--runtime',
      'provided.al2023',
      '--layer',
      helloZip,
    ];
    const ok = await runLayerforge([...args, '--event', join(fn, 'event.json')], { cwd: work, env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      handler: 'fn.handler',
      hello: 'hello, custom runtime, from a layerforge layer',
      taskRoot: '/var/task',
    });
    expect(ok.stderr).toMatch(/^custom runtime got \S+$/m);

    await writeFile(join(work, 'fail.json'), '{"fail": true}');
    const failed = await runLayerforge([...args, '--event', 'fail.json'], { cwd: work, env });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({ errorMessage: 'asked to fail', errorType: 'Custom.Failure' });
  }, 600_000);

  it('--repeat: one cold start, then warm invocations in the same container, as JSON events', async () => {
    const run = await runLayerforge(
      [
        'invoke',
        join(functions, 'py-layer'),
        '--handler',
        'app.handler',
        '--runtime',
        'python3.11',
        '--layer',
        helloZip,
        '--event',
        join(functions, 'py-layer', 'event.json'),
        '--repeat',
        '3',
        '--json',
      ],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const figures = reports(run.events);
    expect(figures).toHaveLength(3);
    expect(figures.map((r) => r.initDurationMs !== undefined)).toEqual([true, false, false]);
    expect(new Set(figures.map((r) => r.requestId)).size).toBe(3);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      type: string;
      ok: boolean;
      invocations: { payload: string }[];
    };
    expect(result.type).toBe('invoke.result');
    expect(result.ok).toBe(true);
    expect(result.invocations.map((i) => (JSON.parse(i.payload) as { hello: string }).hello)).toEqual(
      Array(3).fill('hello, lambda, from a layerforge layer'),
    );
    console.info(
      `py-layer: init ${figures[0]?.initDurationMs} ms, durations ${figures.map((r) => r.durationMs).join(', ')} ms`,
    );
  }, 600_000);

  it('--timeout: a handler that runs too long is stopped and reported as Lambda reports a timeout', async () => {
    const fn = join(functions, 'py-slow');
    const run = await runLayerforge(
      [
        'invoke',
        fn,
        '--handler',
        'app.handler',
        '--runtime',
        'python3.11',
        '--event',
        join(fn, 'event.json'),
        '--timeout',
        '2',
      ],
      {
        cwd: work,
        env,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Task timed out after 2\.00 seconds/);
    expect(run.stderr).toContain('function error (invocation 1): Sandbox.Timedout: ');
  }, 600_000);

  it('Ctrl-C stops the function, removes its container and exits 130', async () => {
    const fn = join(functions, 'py-slow');
    const controller = new AbortController();
    const started = Date.now();
    const running = runLayerforge(
      [
        'invoke',
        fn,
        '--handler',
        'app.handler',
        '--runtime',
        'python3.11',
        '--event',
        join(fn, 'event.json'),
      ],
      {
        cwd: work,
        env,
        signal: controller.signal,
      },
    );
    // Abort once the handler has started (its first log line), as a user watching it would.
    while (
      containersWithLabel('dev.layerforge.purpose=invoke').length === 0 &&
      Date.now() - started < 120_000
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    controller.abort();
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('');
    expect(containersWithLabel('dev.layerforge.purpose=invoke')).toEqual([]);
  }, 600_000);

  it('leaves no container behind', () => {
    expect(containersWithLabel('dev.layerforge.purpose=invoke')).toEqual([]);
  });
});
