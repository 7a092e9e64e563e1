// The r-runtime layer's /opt/bootstrap, run in the debian12 runtime image the way Lambda runs a
// custom runtime (read-only root, tmpfs /tmp, uid 993, the layer read-only at /opt, the function
// at /var/task), against a local stand-in of the Runtime API. The container reaches the stand-in
// on the Docker bridge's address: the traffic stays on this machine.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { LAMBDA_ENVIRONMENT, LAMBDA_USER } from '../../src/core/build/smoke-test.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import { extractLayerZip } from '../../src/core/layer/extract-zip.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforge } from '../support/run-cli.js';
import { startRuntimeApiStandIn, type RuntimeApiStandIn } from '../support/runtime-api-stand-in.js';

const repo = join(import.meta.dirname, '..', '..');
const example = join(repo, 'examples', 'r-handler');

/** The host's address on Docker's default bridge, which containers on it can reach. */
function bridgeAddress(): string {
  const inspect = JSON.parse(
    execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{json .}}'], { encoding: 'utf8' }),
  ) as { IPAM?: { Config?: { Gateway?: string }[] }; Options?: Record<string, string> };
  const gateway = inspect.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
  if (gateway) return gateway;
  // Docker 20.10 often leaves Gateway out: the bridge interface's own address is the gateway.
  const name = inspect.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  // Node omits an interface without carrier (no container attached at the moment), though its
  // address is assigned and can be bound: ask the kernel directly.
  const address = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(
    execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', name], { encoding: 'utf8' }),
  )?.[1];
  if (!address)
    throw new Error(`no IPv4 address on the Docker bridge interface ${name}: is the engine local?`);
  return address;
}

let work: string;
let runtimeImage: string;
let api: RuntimeApiStandIn;
const engine = new DockerEngine();

/** Starts /opt/bootstrap with `handler`; stop() kills the container (the loop never ends by itself). */
function startBootstrap(handler: string) {
  const controller = new AbortController();
  const lines: string[] = [];
  const run = engine.runContainer(
    {
      image: runtimeImage,
      entrypoint: ['/opt/bootstrap'],
      command: [],
      env: {
        ...LAMBDA_ENVIRONMENT,
        AWS_LAMBDA_RUNTIME_API: api.address,
        _HANDLER: handler,
        AWS_LAMBDA_FUNCTION_NAME: 'stand-in',
      },
      mounts: [
        { hostPath: join(work, 'opt'), containerPath: '/opt', readOnly: true },
        { hostPath: join(work, 'task'), containerPath: '/var/task', readOnly: true },
      ],
      labels: { 'dev.layerforge.purpose': 'r-bootstrap-test' },
      user: LAMBDA_USER,
      readOnlyRootFs: true,
      tmpfs: { '/tmp': 'rw,exec,size=512m' },
      network: 'default',
      workingDir: '/var/task',
    },
    (line) => lines.push(line),
    controller.signal,
  );
  // Until stop(), a rejection is the test's to see; afterwards it is the expected interruption.
  run.catch(() => {});
  return {
    run,
    lines,
    async stop() {
      controller.abort();
      // An aborted run removes its container; one that had already exited is removed here.
      const exited = await run.catch(() => undefined);
      if (exited) await engine.removeContainer(exited.id);
    },
  };
}

beforeAll(async () => {
  requireDocker();
  work = await mkdtemp(join(tmpdir(), 'layerforge-it-r-bootstrap-'));
  // The default cache: a warm one makes this a cache hit; a cold one builds the layer.
  const build = await runLayerforge(
    ['build', 'r-runtime', '--base', 'debian12', '--json', '--out', join(work, 'dist')],
    {
      cwd: work,
    },
  );
  expect(build.code, build.stderr).toBe(0);
  await extractLayerZip(join(work, 'dist', 'r-runtime-4.2.2-provided.al2023-x86_64.zip'), join(work, 'opt'));
  await mkdir(join(work, 'task'));
  await copyFile(join(example, 'handler.R'), join(work, 'task', 'handler.R'));
  await writeFile(join(work, 'task', 'failing.R'), 'boom <- function(event) stop("boom: ", event$reason)\n');
  for (const dir of [work, join(work, 'opt'), join(work, 'task')]) await chmod(dir, 0o755);
  const base = await resolveBase(await loadBaseImage('debian12'), getRuntime('provided.al2023'), 'x86_64');
  runtimeImage = base.runtimeImage;
  api = await startRuntimeApiStandIn(bridgeAddress());
});

afterAll(async () => {
  await api?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the r-runtime bootstrap against a Runtime API stand-in', () => {
  it('serves events one after another: responses, a handler error, and the loop goes on', async () => {
    const bootstrap = startBootstrap('handler.fit');
    try {
      const event = await readFile(join(example, 'event.json'), 'utf8');
      const first = await api.invoke(event, { requestId: 'req-fit-1' });
      expect(first.kind, bootstrap.lines.join('\n')).toBe('response');
      expect(first.headers['content-type']).toBe('application/json');
      // Least squares through the example's points: slope 19.7/10, intercept 7 - 1.97 * 3.
      expect(first.json).toEqual({
        intercept: expect.closeTo(1.09, 9) as number,
        slope: expect.closeTo(1.97, 9) as number,
        r_squared: expect.closeTo(38.809 / 38.9, 9) as number,
        n: 5,
        request_id: 'req-fit-1',
      });

      // A large event in two chunks (chunked transfer encoding): 20,000 points on y = 2x + 1.
      const xs = Array.from({ length: 20_000 }, (_, i) => i + 1);
      const large = JSON.stringify({ x: xs, y: xs.map((x) => 2 * x + 1) });
      expect(large.length).toBeGreaterThan(200_000);
      const second = await api.invoke(large, { chunked: true, requestId: 'req-fit-2' });
      expect(second.kind, bootstrap.lines.join('\n')).toBe('response');
      expect(second.json).toMatchObject({
        intercept: expect.closeTo(1, 6) as number,
        slope: expect.closeTo(2, 9) as number,
        n: 20_000,
        request_id: 'req-fit-2',
      });

      // The handler rejects an event without y: its condition class becomes the errorType.
      const third = await api.invoke(JSON.stringify({ x: [1, 2, 3] }), { requestId: 'req-fit-3' });
      expect(third.kind).toBe('error');
      expect(third.json).toMatchObject({
        errorMessage: 'the event needs x and y: numeric arrays of the same length, at least 3 points',
        errorType: 'InvalidEvent',
      });
      expect(third.headers['lambda-runtime-function-error-type']).toBe('InvalidEvent');

      // The same R process serves the next event.
      const fourth = await api.invoke(event, { requestId: 'req-fit-4' });
      expect(fourth.json).toMatchObject({ n: 5, request_id: 'req-fit-4' });
      expect(
        api.requests.filter((r) => r === 'GET /2018-06-01/runtime/invocation/next').length,
      ).toBeGreaterThanOrEqual(4);
    } finally {
      await bootstrap.stop();
    }
  }, 120_000);

  it('posts a stop() in the handler as {errorMessage, errorType, stackTrace}', async () => {
    const bootstrap = startBootstrap('failing.boom');
    try {
      const result = await api.invoke(JSON.stringify({ reason: 'no luck' }), { requestId: 'req-boom' });
      expect(result.kind, bootstrap.lines.join('\n')).toBe('error');
      expect(result.json).toMatchObject({ errorMessage: 'boom: no luck', errorType: 'simpleError' });
      // From the handler down to stop(), without the runtime's own frames.
      expect(result.json).toMatchObject({ stackTrace: ['handler(event)', 'stop("boom: ", event$reason)'] });
    } finally {
      await bootstrap.stop();
    }
  }, 120_000);

  it('reports a handler that does not exist to /runtime/init/error and exits', async () => {
    const bootstrap = startBootstrap('handler.nowhere');
    try {
      const posted = await api.initError();
      expect(posted.json).toMatchObject({
        errorMessage: 'handler.R defines no function nowhere',
        errorType: 'Runtime.HandlerNotFound',
      });
      const exit = await bootstrap.run;
      expect(exit.exitCode).toBe(1);
    } finally {
      await bootstrap.stop();
    }
  }, 120_000);
});
