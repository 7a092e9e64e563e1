import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { LambdaClient, ListLayerVersionsCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RegionOutcome } from '../../src/core/publish/types.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import {
  TEST_CREDENTIALS,
  isolateAwsProcessEnv,
  makeLayerZip,
  runLayerforge,
  summaryOf,
  testAwsEnv,
  type CliRun,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';

const LAYER = 'faulty-python312-x86_64';
let moto: MotoServer;
let proxy: FaultProxy;
const shared = sharedTempDir('lf-publish-faults-');
let scratch: string;
let layer: LayerZip;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  moto = await startMoto();
  layer = await makeLayerZip(join(scratch, 'dist'), 'faulty-1.0.0-python3.12-x86_64', {
    files: { 'python/faulty.py': 'ok = True\n' },
    recipe: { name: 'faulty', version: '1.0.0' },
  });
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  proxy = await startFaultProxy(moto.endpoint);
});
afterEach(async () => {
  await proxy.stop();
});

/** Versions as moto holds them, asked directly (not through the proxy). */
async function versions(): Promise<number[]> {
  const client = new LambdaClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  const list = await client.send(new ListLayerVersionsCommand({ LayerName: LAYER }));
  return (list.LayerVersions ?? []).map((v) => v.Version ?? -1).sort((a, b) => a - b);
}

async function publishThroughProxy(extra: string[] = []): Promise<CliRun> {
  const cwd = await mkdtemp(join(scratch, 'cwd-'));
  return runLayerforge(['publish', layer.zipPath, '--region', 'us-east-1', '--json', ...extra], {
    cwd,
    env: testAwsEnv(proxy.endpoint),
  });
}

function regionResult(run: CliRun): RegionOutcome | undefined {
  return summaryOf(run).regions[0];
}

describe('publish through a fault-injecting proxy', () => {
  it('the proxy really drops a response after moto acted: a naive SDK retry duplicates the version', async () => {
    proxy.addFault({ kind: 'PublishLayerVersion', times: 1, fault: { type: 'drop-response' } });
    // The SDK's own retry (maxAttempts 3) re-sends PublishLayerVersion blindly.
    const naive = new LambdaClient({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 3,
    });
    const { readFile } = await import('node:fs/promises');
    await naive.send(
      new PublishLayerVersionCommand({
        LayerName: LAYER,
        Content: { ZipFile: await readFile(layer.zipPath) },
      }),
    );
    expect(proxy.count('PublishLayerVersion', 'dropped')).toBe(1);
    expect(await versions()).toEqual([1, 2]);
  });

  it('a dropped publish response creates no duplicate: the retry finds the version first', async () => {
    proxy.addFault({ kind: 'PublishLayerVersion', times: 1, fault: { type: 'drop-response' } });
    const run = await publishThroughProxy();
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.count('PublishLayerVersion', 'dropped')).toBe(1);
    expect(proxy.count('PublishLayerVersion', 'forwarded')).toBe(0);
    expect(await versions()).toEqual([1]);
    expect(regionResult(run)).toMatchObject({ ok: true, version: 1, reused: false, recovered: true });
    expect(run.events.filter((e) => e.type === 'publish.retry')).toEqual([
      expect.objectContaining({ region: 'us-east-1', operation: 'PublishLayerVersion', attempt: 1 }),
    ]);
  });

  it('retries a throttled PublishLayerVersion and publishes exactly once', async () => {
    proxy.addFault({ kind: 'PublishLayerVersion', times: 2, fault: { type: 'throttle' } });
    const run = await publishThroughProxy();
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.count('PublishLayerVersion', 'throttled')).toBe(2);
    expect(proxy.count('PublishLayerVersion', 'forwarded')).toBe(1);
    expect(run.events.filter((e) => e.type === 'publish.retry')).toHaveLength(2);
    expect(await versions()).toEqual([1]);
  });

  it('retries throttled and 5xx read calls with the SDK backoff', async () => {
    proxy.addFault({ kind: 'ListLayerVersions', times: 2, fault: { type: 'throttle' } });
    expect((await publishThroughProxy()).code).toBe(0);
    expect(proxy.count('ListLayerVersions', 'throttled')).toBe(2);

    // Second run: the version exists, so the check reads it; those reads fail first.
    proxy.addFault({
      kind: 'GetLayerVersion',
      times: 2,
      fault: { type: 'error', status: 500, errorType: 'ServiceException' },
    });
    proxy.addFault({
      kind: 'ListLayerVersions',
      times: 1,
      fault: { type: 'error', status: 503, errorType: 'ServiceException' },
    });
    const again = await publishThroughProxy();
    expect(again.code, again.stderr).toBe(0);
    expect(proxy.count('GetLayerVersion', 'error')).toBe(2);
    expect(proxy.count('ListLayerVersions', 'error')).toBe(1);
    expect(regionResult(again)).toMatchObject({ ok: true, version: 1, reused: true });
    expect(await versions()).toEqual([1]);
  });

  it('gives up after its attempts with a clear region failure, and publishes nothing', async () => {
    proxy.addFault({ kind: 'PublishLayerVersion', times: 100, fault: { type: 'throttle' } });
    const run = await publishThroughProxy();
    expect(run.code).toBe(1);
    expect(proxy.count('PublishLayerVersion', 'throttled')).toBe(4);
    expect(regionResult(run)).toMatchObject({ ok: false, error: expect.stringContaining('Rate exceeded') });
    expect(await versions()).toEqual([]);
  });

  it('reports access denied clearly and redacts credentials an error message quotes', async () => {
    const deniedListing: FaultRule = {
      kind: 'ListLayerVersions',
      times: 1,
      fault: {
        type: 'error',
        status: 403,
        errorType: 'AccessDeniedException',
        message: `User with key ${TEST_CREDENTIALS.accessKeyId} and token ${TEST_CREDENTIALS.sessionToken} is not authorized to perform: lambda:ListLayerVersions`,
      },
    };
    proxy.addFault(deniedListing);
    const run = await publishThroughProxy();
    expect(run.code).toBe(1);
    expect(regionResult(run)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^access denied \(AccessDeniedException\)/),
    });
    expect(run.stdout).toContain('[redacted]');
    // `versions` fails as a whole; --debug prints the error's cause, which must be redacted too.
    proxy.addFault(deniedListing);
    const versionsRun = await runLayerforge(['versions', LAYER, '--region', 'us-east-1', '--debug'], {
      cwd: scratch,
      env: testAwsEnv(proxy.endpoint),
    });
    expect(versionsRun.code).toBe(1);
    expect(versionsRun.stderr).toContain('error: us-east-1: access denied (AccessDeniedException)');
    expect(versionsRun.stderr).toMatch(/^cause: .*\[redacted\]/m);
    for (const secret of Object.values(TEST_CREDENTIALS)) {
      expect(run.stdout + run.stderr + versionsRun.stdout + versionsRun.stderr).not.toContain(secret);
    }
  });
});
