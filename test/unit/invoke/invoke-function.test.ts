// The orchestration of `invoke` against a fake engine: what container it asks for (Lambda's
// conditions), what it mounts, and how it reads the container's output. The real engine and
// emulator are exercised in test/integration/invoke.test.ts.
import { execFileSync } from 'node:child_process';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  ContainerEngine,
  ContainerRun,
  ContainerSpec,
} from '../../../src/core/engine/container-engine.js';
import { JobFailedError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { invokeFunction } from '../../../src/core/invoke/invoke-function.js';
import { testJob } from '../../support/job-context.js';
import { tempDir } from '../../support/temp-dir.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'functions');
let work = '';
let emulator = '';
beforeEach(async () => {
  work = await tempDir('layerforge-invoke-unit-');
  // A stand-in binary: findEmulator only reads its ELF header (x86-64, static).
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2;
  header[5] = 1;
  header.writeUInt16LE(0x3e, 18);
  emulator = join(work, 'aws-lambda-rie');
  await writeFile(emulator, header);
  await chmod(emulator, 0o755);
});

function zip(name: string, file: string, text: string): string {
  const path = join(work, name);
  execFileSync('python3', [
    '-c',
    'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z: z.writestr(sys.argv[2], sys.argv[3])',
    path,
    file,
    text,
  ]);
  return path;
}

function http(status: string, headers: string[], body: string): string {
  return Buffer.from(`HTTP/1.0 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`).toString(
    'base64',
  );
}

/** Answers every image as present, and plays back `lines` as the container's output. */
function fakeEngine(lines: string[], exitCode = 0, inspect?: (spec: ContainerSpec) => Promise<void>) {
  const specs: ContainerSpec[] = [];
  const removed: string[] = [];
  const engine = {
    endpoint: 'fake://',
    ping: async () => {},
    imageId: async (reference: string): Promise<string | undefined> => `sha256:${reference.length}`,
    // Present images are for the arch asked for: linux/amd64 in these tests.
    inspectImage: async (reference: string) => {
      const id = await engine.imageId(reference);
      return id ? { id, architecture: 'amd64', repoDigests: [] } : undefined;
    },
    listContainers: async () => [],
    removeContainer: async (id: string) => void removed.push(id),
    runContainer: async (spec: ContainerSpec, onLine: (line: string) => void): Promise<ContainerRun> => {
      specs.push(spec);
      await inspect?.(spec);
      for (const line of lines) onLine(line);
      return { id: 'c1', exitCode };
    },
  };
  return { engine: engine as unknown as ContainerEngine, specs, removed };
}

const ERROR_BODY =
  '{"errorMessage": "cannot handle it", "errorType": "ValueError", "stackTrace": ["  File \\"/var/task/app.py\\", line 5"]}';

describe('invokeFunction', () => {
  it("runs the function under Lambda's conditions and reads responses, logs and REPORT lines", async () => {
    const first = zip('first.zip', 'share/greeting.txt', 'first');
    const second = zip('second.zip', 'share/greeting.txt', 'second');
    const seen: Record<string, unknown> = {};
    const { engine, specs, removed } = fakeEngine(
      [
        "22 Nov 2026 02:49:27,099 [INFO] (rapid) exec '/var/runtime/bootstrap'",
        'START RequestId: r1 Version: $LATEST',
        '[ERROR] something\r  on a second line',
        'END RequestId: r1',
        'REPORT RequestId: r1\tInit Duration: 50.00 ms\tDuration: 8.00 ms\tBilled Duration: 8 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t',
        `@@layerforge response 1 70000 ${http('200 OK', [], '{"ok":true}')}`,
        'REPORT RequestId: r2\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t',
        `@@layerforge response 2 9000 ${http('200 OK', ['X-Amz-Function-Error: Unhandled'], ERROR_BODY)}`,
      ],
      0,
      async (spec) => {
        const host = (path: string) => spec.mounts?.find((m) => m.containerPath === path)?.hostPath ?? '';
        seen.greeting = await readFile(join(host('/opt'), 'share/greeting.txt'), 'utf8');
        seen.event = await readFile(join(host('/var/layerforge'), 'event.json'), 'utf8');
        seen.driverMode = (await stat(join(host('/var/layerforge'), 'invoke.sh'))).mode & 0o777;
        seen.emulatorCopied = existsSync(join(host('/var/layerforge'), 'aws-lambda-rie'));
        seen.optMode = (await stat(host('/opt'))).mode & 0o777;
      },
    );
    const { sink, events } = recordEvents();
    const result = await invokeFunction(
      {
        functionDir: join(fixtures, 'py-layer'),
        handler: 'app.handler',
        runtime: 'python3.11',
        layers: [first, second],
        event: '{"name": "unit"}',
        base: 'debian12',
        rie: emulator,
        repeat: 2,
        timeoutSeconds: 30,
      },
      testJob({ cwd: work, env: { PATH: '/usr/bin:/bin', HOME: work }, sink, engine }),
    );

    const spec = specs[0];
    expect(spec).toMatchObject({
      image: expect.stringMatching(/^layerforge\/debian12-invoke-python:[0-9a-f]{16}-x86_64$/),
      entrypoint: ['/var/layerforge/invoke.sh'],
      command: ['2', 'keep', '/var/runtime/bootstrap', 'app.handler'],
      user: '993:990',
      readOnlyRootFs: true,
      tmpfs: { '/tmp': 'rw,exec,size=512m' },
      network: 'none',
      workingDir: '/var/task',
      platform: 'linux/amd64',
    });
    expect(spec?.mounts?.map((m) => [m.containerPath, m.readOnly])).toEqual([
      ['/var/task', true],
      ['/opt', true],
      ['/var/layerforge', true],
    ]);
    expect(spec?.mounts?.[0]?.hostPath).toBe(join(fixtures, 'py-layer'));
    expect(spec?.env).toMatchObject({
      _HANDLER: 'app.handler',
      AWS_LAMBDA_FUNCTION_TIMEOUT: '30',
      PYTHONPATH: '/opt/python:/opt/python/lib/python3.11/site-packages',
      LD_LIBRARY_PATH: expect.stringMatching(/:\/opt\/lib$/),
    });
    expect(seen).toEqual({
      greeting: 'second',
      event: '{"name": "unit"}',
      driverMode: 0o755,
      emulatorCopied: true,
      optMode: 0o755,
    });
    // The work folder (merged /opt, driver) is gone, and so is the container.
    expect(existsSync(spec?.mounts?.[1]?.hostPath ?? '/')).toBe(false);
    expect(removed).toEqual(['c1']);

    expect(result.layers).toEqual([first, second]);
    expect(result.invocations).toEqual([
      {
        index: 1,
        statusCode: 200,
        payload: '{"ok":true}',
        report: {
          requestId: 'r1',
          initDurationMs: 50,
          durationMs: 8,
          billedDurationMs: 8,
          memorySizeMB: 3008,
          maxMemoryUsedMB: 3008,
          source: 'emulator',
        },
        roundTripMs: 70,
      },
      {
        index: 2,
        statusCode: 200,
        payload: ERROR_BODY,
        functionError: {
          errorType: 'ValueError',
          errorMessage: 'cannot handle it',
          stackTrace: ['  File "/var/task/app.py", line 5'],
        },
        report: {
          requestId: 'r2',
          durationMs: 2,
          billedDurationMs: 2,
          memorySizeMB: 3008,
          maxMemoryUsedMB: 3008,
          source: 'emulator',
        },
        roundTripMs: 9,
      },
    ]);
    const functionLogs = events.flatMap((e) =>
      e.type === 'invoke.log' && e.source === 'function' ? [e.line] : [],
    );
    expect(functionLogs).toEqual(['[ERROR] something', '  on a second line']);
    expect(events.filter((e) => e.type === 'invoke.log' && e.source === 'emulator')).toHaveLength(3);
    expect(events).toContainEqual({
      type: 'info',
      message: 'layer 2 (second.zip) replaces 1 path(s) of earlier layers in /opt: share/greeting.txt',
    });
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'stand-in-base' }));
  });

  it('gives the default network only when asked, and a custom runtime starts its bootstrap without arguments', async () => {
    const { engine, specs } = fakeEngine([`@@layerforge response 1 1000 ${http('200 OK', [], '"done"')}`]);
    const result = await invokeFunction(
      {
        functionDir: join(fixtures, 'provided-bootstrap'),
        handler: 'fn',
        runtime: 'provided.al2023',
        layers: [],
        event: '{}',
        base: 'debian12',
        rie: emulator,
        network: true,
      },
      testJob({ cwd: work, engine }),
    );
    expect(specs[0]?.network).toBe('default');
    // The handler follows for the emulator, which takes its last argument for it; the relay drops it.
    expect(specs[0]?.command).toEqual(['1', 'drop', '/var/task/bootstrap', 'fn']);
    expect(specs[0]?.image).toMatch(/^layerforge\/debian12-runtime:/);
    // No REPORT line from the emulator: the round trip stands in, and says so.
    expect(result.invocations[0]?.report).toEqual({ requestId: '-', durationMs: 1, source: 'measured' });
  });

  it('the official images carry the runtime interface client: their own bootstrap, pulled when missing', async () => {
    const pulls: string[] = [];
    const { engine, specs } = fakeEngine([`@@layerforge response 1 1000 ${http('200 OK', [], '{}')}`]);
    Object.assign(engine, {
      imageId: async () => (pulls.length > 0 ? 'sha256:pulled' : undefined),
      pullImage: async (reference: string, platform: string) => void pulls.push(`${reference} ${platform}`),
    });
    await invokeFunction(
      {
        functionDir: join(fixtures, 'py-layer'),
        handler: 'app.handler',
        runtime: 'python3.12',
        layers: [],
        event: '{}',
        base: 'lambda',
        rie: emulator,
      },
      testJob({ cwd: work, engine }),
    );
    expect(pulls).toEqual(['public.ecr.aws/lambda/python:3.12-x86_64 linux/amd64']);
    expect(specs[0]).toMatchObject({
      image: 'public.ecr.aws/lambda/python:3.12-x86_64',
      command: ['1', 'keep', '/var/runtime/bootstrap', 'app.handler'],
    });
  });

  it('an official image that cannot be pulled points at the offline stand-in', async () => {
    const { engine } = fakeEngine([]);
    Object.assign(engine, {
      imageId: async () => undefined,
      pullImage: async () => {
        throw new Error('registry unreachable');
      },
    });
    const error = (await invokeFunction(
      {
        functionDir: join(fixtures, 'py-layer'),
        handler: 'app.handler',
        runtime: 'python3.11',
        layers: [],
        event: '{}',
        base: 'lambda',
        rie: emulator,
      },
      testJob({ cwd: work, engine }),
    ).catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toBe('cannot pull public.ecr.aws/lambda/python:3.11-x86_64: registry unreachable');
    expect(error.hint).toMatch(/--base debian12/);
  });

  it('an emulator that never answers is a job failure with the end of the output', async () => {
    const { engine } = fakeEngine(
      [
        '/var/layerforge/aws-lambda-rie: cannot execute binary file: Exec format error',
        '@@layerforge emulator-exited 126',
      ],
      3,
    );
    const error = await invokeFunction(
      {
        functionDir: join(fixtures, 'py-raises'),
        handler: 'app.handler',
        runtime: 'python3.11',
        layers: [],
        event: '{}',
        base: 'debian12',
        rie: emulator,
      },
      testJob({ cwd: work, engine }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(
      'invoke failed: the emulator exited with code 126 before it answered',
    );
    expect((error as JobFailedError).details).toContain(
      '/var/layerforge/aws-lambda-rie: cannot execute binary file: Exec format error',
    );
    expect((error as JobFailedError).hint).toMatch(/static and built for the arch/);
  });

  it('refuses bad input before touching the engine', async () => {
    const { engine, specs } = fakeEngine([]);
    const base = {
      functionDir: join(fixtures, 'py-layer'),
      handler: 'app.handler',
      runtime: 'python3.11',
      layers: [],
      event: '{}',
      base: 'debian12',
      rie: emulator,
    };
    const io = testJob({ cwd: work, engine });
    await expect(invokeFunction({ ...base, event: '{not json' }, io)).rejects.toThrow(
      /the event is not valid JSON/,
    );
    await expect(invokeFunction({ ...base, functionDir: join(work, 'nope') }, io)).rejects.toThrow(
      /function folder .* does not exist/,
    );
    await expect(invokeFunction({ ...base, repeat: 0 }, io)).rejects.toThrow(
      '--repeat must be a whole number ≥ 1, got 0',
    );
    await expect(
      invokeFunction({ ...base, runtime: 'nodejs20.x', handler: 'index.handler' }, io),
    ).rejects.toThrow('base debian12 cannot stand in for nodejs20.x');
    await expect(invokeFunction({ ...base, layers: [join(work, 'missing.zip')] }, io)).rejects.toThrow(
      /layer zip .*missing\.zip does not exist/,
    );
    expect(specs).toEqual([]);
  });
});
