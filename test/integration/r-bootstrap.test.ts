// The r-runtime layer's /opt/bootstrap, run in the debian12 runtime image the way Lambda runs a
// custom runtime (read-only root, tmpfs /tmp, uid 993, no network, the layer read-only at /opt,
// the function at /var/task), under AWS's Runtime Interface Emulator. A small driver inside the
// same container posts the events one after another to the emulator on the container's own
// loopback, so every byte of traffic stays inside the container.
import { chmod, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { LAMBDA_ENVIRONMENT } from '../../src/core/lambda/runtime-environment.js';
import { LAMBDA_USER } from '../../src/core/lambda/sandbox.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import {
  functionErrorOf,
  parseHttpResponse,
  type HttpResponse,
} from '../../src/core/invoke/http-response.js';
import { extractLayerZip } from '../../src/core/layer/extract-zip.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const example = join(repo, 'examples', 'r-handler');
const INVOKE = '/2015-03-31/functions/function/invocations';

/**
 * Starts the emulator around /opt/bootstrap, then POSTs each event file in order (bash's
 * /dev/tcp: the image has no curl) and prints each raw response base64-encoded on a marker line.
 * HTTP/1.0 makes the emulator answer without chunking and close the connection.
 */
const DRIVER = `#!/bin/bash
set -u
/var/rie/aws-lambda-rie /opt/bootstrap &
emulator=$!
for _ in $(seq 1 1200); do
  kill -0 "$emulator" 2>/dev/null || break
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then break; fi
  sleep 0.05
done
for event in /var/events/*.json; do
  exec 3<>/dev/tcp/127.0.0.1/8080 || { echo "@@driver no-emulator"; exit 3; }
  printf 'POST ${INVOKE} HTTP/1.0\\r\\nHost: 127.0.0.1:8080\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\n\\r\\n' "$(wc -c < "$event")" >&3
  cat "$event" >&3
  echo "@@driver response $(base64 -w0 <&3)"
  exec 3<&-
done
kill "$emulator" 2>/dev/null
wait "$emulator" 2>/dev/null
exit 0
`;

const shared = sharedTempDir('layerforge-it-r-bootstrap-');
let work: string;
let runtimeImage: string;
const engine = new DockerEngine();

/** Runs /opt/bootstrap with `handler` under the emulator and posts `events` in order. */
async function invokeInOneContainer(handler: string, events: string[]) {
  const run = await mkdtemp(join(work, 'run-'));
  await mkdir(join(run, 'events'));
  for (const [i, event] of events.entries()) {
    await writeFile(join(run, 'events', `${String(i + 1).padStart(3, '0')}.json`), event, { mode: 0o644 });
  }
  await writeFile(join(run, 'drive.sh'), DRIVER, { mode: 0o755 });
  for (const dir of [run, join(run, 'events')]) await chmod(dir, 0o755);
  const lines: string[] = [];
  const result = await engine.runContainer(
    {
      image: runtimeImage,
      entrypoint: ['/bin/bash', '/var/driver/drive.sh'],
      command: [],
      env: { ...LAMBDA_ENVIRONMENT, _HANDLER: handler, AWS_LAMBDA_FUNCTION_NAME: 'r-bootstrap-test' },
      mounts: [
        { hostPath: join(work, 'opt'), containerPath: '/opt', readOnly: true },
        { hostPath: join(work, 'task'), containerPath: '/var/task', readOnly: true },
        { hostPath: join(work, 'rie'), containerPath: '/var/rie', readOnly: true },
        { hostPath: join(run, 'events'), containerPath: '/var/events', readOnly: true },
        { hostPath: run, containerPath: '/var/driver', readOnly: true },
      ],
      labels: { 'dev.layerforge.purpose': 'r-bootstrap-test' },
      user: LAMBDA_USER,
      readOnlyRootFs: true,
      tmpfs: { '/tmp': 'rw,exec,size=512m' },
      network: 'none',
      workingDir: '/var/task',
    },
    (line) => lines.push(line),
  );
  await engine.removeContainer(result.id);
  const responses: HttpResponse[] = lines
    .filter((line) => line.startsWith('@@driver response '))
    .map((line) => {
      const response = parseHttpResponse(Buffer.from(line.slice('@@driver response '.length), 'base64'));
      if (!response) throw new Error(`not an HTTP response: ${line}\n${lines.join('\n')}`);
      return response;
    });
  return { responses, log: lines.filter((line) => !line.startsWith('@@driver')).join('\n') };
}

const json = (response: HttpResponse | undefined) =>
  JSON.parse(response?.body.toString('utf8') ?? 'null') as unknown;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  // The default cache: a warm one makes this a cache hit; a cold one builds the layer.
  const build = await runLayerforge(
    ['build', 'r-runtime', '--base', 'debian12', '--json', '--out', join(work, 'dist')],
    { cwd: work },
  );
  expect(build.code, build.stderr).toBe(0);
  await extractLayerZip(join(work, 'dist', 'r-runtime-4.2.2-provided.al2023-x86_64.zip'), join(work, 'opt'));
  await mkdir(join(work, 'task'));
  await copyFile(join(example, 'handler.R'), join(work, 'task', 'handler.R'));
  await writeFile(join(work, 'task', 'failing.R'), 'boom <- function(event) stop("boom: ", event$reason)\n');
  await mkdir(join(work, 'rie'));
  await copyFile((await testEmulator('x86_64')).path, join(work, 'rie', 'aws-lambda-rie'));
  await chmod(join(work, 'rie', 'aws-lambda-rie'), 0o755);
  for (const dir of [work, join(work, 'opt'), join(work, 'task'), join(work, 'rie')]) await chmod(dir, 0o755);
  const base = await resolveBase(await loadBaseImage('debian12'), getRuntime('provided.al2023'), 'x86_64');
  runtimeImage = base.runtimeImage;
});

describe("the r-runtime bootstrap under AWS's runtime interface emulator", () => {
  it('serves events one after another in one R process: responses, a large event, a handler error, and the loop goes on', async () => {
    const event = await readFile(join(example, 'event.json'), 'utf8');
    // 20,000 points on y = 2x + 1: an event of over 200 KB.
    const xs = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const large = JSON.stringify({ x: xs, y: xs.map((x) => 2 * x + 1) });
    expect(large.length).toBeGreaterThan(200_000);
    const { responses, log } = await invokeInOneContainer('handler.fit', [
      event,
      large,
      JSON.stringify({ x: [1, 2, 3] }),
      event,
    ]);
    expect(responses, log).toHaveLength(4);
    const [first, second, third, fourth] = responses;

    // Least squares through the example's points: slope 19.7/10, intercept 7 - 1.97 * 3.
    expect(first?.statusCode, log).toBe(200);
    expect(json(first)).toEqual({
      intercept: expect.closeTo(1.09, 9) as number,
      slope: expect.closeTo(1.97, 9) as number,
      r_squared: expect.closeTo(38.809 / 38.9, 9) as number,
      n: 5,
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });
    expect(json(second)).toMatchObject({
      intercept: expect.closeTo(1, 6) as number,
      slope: expect.closeTo(2, 9) as number,
      n: 20_000,
    });

    // The handler rejects an event without y: its condition class becomes the errorType.
    expect(third && functionErrorOf(third)).toMatchObject({
      errorMessage: 'the event needs x and y: numeric arrays of the same length, at least 3 points',
      errorType: 'InvalidEvent',
    });

    // The same R process serves the next event, under a request id of its own.
    const ids = [first, second, fourth].map((r) => (json(r) as { request_id?: string }).request_id);
    expect(json(fourth)).toMatchObject({ n: 5 });
    expect(new Set(ids).size).toBe(3);
  }, 120_000);

  it('returns a stop() in the handler as {errorMessage, errorType, stackTrace}', async () => {
    const { responses, log } = await invokeInOneContainer('failing.boom', [
      JSON.stringify({ reason: 'no luck' }),
    ]);
    expect(responses, log).toHaveLength(1);
    const [result] = responses;
    expect(result && functionErrorOf(result)).toMatchObject({
      errorMessage: 'boom: no luck',
      errorType: 'simpleError',
      // From the handler down to stop(), without the runtime's own frames.
      stackTrace: ['handler(event)', 'stop("boom: ", event$reason)'],
    });
  }, 120_000);

  it('reports a handler that does not exist as an init error', async () => {
    const { responses, log } = await invokeInOneContainer('handler.nowhere', ['{}']);
    expect(log).toContain('handler.R defines no function nowhere');
    expect(responses, log).toHaveLength(1);
    const [result] = responses;
    expect(result && functionErrorOf(result), log).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  }, 120_000);
});
