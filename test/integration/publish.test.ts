import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/core/aws/clients.js';
import type { BuildLayer, BuildLayerOptions } from '../../src/core/builder/types.js';
import { InterruptedError } from '../../src/core/errors.js';
import { ignoreEvents } from '../../src/core/events.js';
import { publishLayer } from '../../src/core/publish/publish-layer.js';
import { MOTO_ACCOUNT } from '../support/moto.js';
import { useMotoProjects } from '../support/moto-project.js';
import { makeLayerZip, runLayerforge, summaryOf, testAwsEnv } from '../support/publish-fixtures.js';

const { server, scratch, project, lambda, versionsOf, publish } = useMotoProjects('lf-publish');

describe('publish against moto', () => {
  it('(a) publishes once, then reuses the version for the same zip', async () => {
    const { cwd, layer } = await project();
    const first = await publish(cwd, [layer.zipPath, '--region', 'us-east-1', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const firstRegion = summaryOf(first).regions[0];
    expect(firstRegion).toMatchObject({
      region: 'us-east-1',
      ok: true,
      version: 1,
      reused: false,
      layerVersionArn: `arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:layer:pandas-python312-x86_64:1`,
    });

    const second = await publish(cwd, [layer.zipPath, '--region', 'us-east-1', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(second).regions[0]).toMatchObject({ ok: true, version: 1, reused: true });
    const done = second.events.find((e) => e.type === 'publish.region.done');
    expect(done).toMatchObject({
      type: 'publish.region.done',
      region: 'us-east-1',
      ok: true,
      reused: true,
      version: 1,
    });
    expect(await versionsOf('pandas-python312-x86_64')).toEqual([1]);

    // Lambda's own CodeSha256 for the version equals the manifest's: the check compared real digests.
    const got = await lambda('us-east-1').send(
      new GetLayerVersionCommand({ LayerName: 'pandas-python312-x86_64', VersionNumber: 1 }),
    );
    expect(got.Content?.CodeSha256).toBe(layer.codeSha256);
    expect(got.CompatibleRuntimes).toEqual(['python3.12', 'python3.13']);
    expect(got.CompatibleArchitectures).toEqual(['x86_64']);
    expect(got.LicenseInfo).toBe('BSD-3-Clause');
    expect(got.Description).toContain('pandas@2.2.3');
    expect(got.Description).toContain(layer.sha256);
    expect((got.Description ?? '').length).toBeLessThanOrEqual(256);
  });

  it('(b) publishes version 2 when the content changes, and reuses 1 again for the old zip', async () => {
    const { cwd, layer } = await project('v1\n');
    expect((await publish(cwd, [layer.zipPath, '--region', 'eu-west-1'])).code).toBe(0);
    const changed = await makeLayerZip(join(cwd, 'dist2'), 'pandas-2.2.3-python3.12-x86_64', {
      files: { 'python/hello.py': 'v2\n' },
      recipe: { name: 'pandas', version: '2.2.3' },
    });
    const second = await publish(cwd, [changed.zipPath, '--region', 'eu-west-1', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(second).regions[0]).toMatchObject({ version: 2, reused: false });
    expect(await versionsOf('pandas-python312-x86_64', 'eu-west-1')).toEqual([1, 2]);

    // Back to the first content: version 1 is reused and becomes current in the lock file.
    const back = await publish(cwd, [layer.zipPath, '--region', 'eu-west-1', '--json']);
    expect(summaryOf(back).regions[0]).toMatchObject({ version: 1, reused: true });
    expect(await versionsOf('pandas-python312-x86_64', 'eu-west-1')).toEqual([1, 2]);
    const arns = await runLayerforge(['arns', '--format', 'env'], { cwd, env: {} });
    expect(arns.stdout.trim()).toBe(
      `PANDAS_PYTHON312_X86_64_EU_WEST_1=arn:aws:lambda:eu-west-1:${MOTO_ACCOUNT}:layer:pandas-python312-x86_64:1`,
    );
  });

  it('(d) publishes to three regions in one command', async () => {
    const { cwd, layer } = await project();
    const run = await publish(cwd, [
      layer.zipPath,
      '--region',
      'us-east-1,eu-west-1',
      '--region',
      'ap-southeast-2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const regions = summaryOf(run).regions;
    expect(regions.map((r) => [r.region, r.ok, r.ok ? r.version : undefined])).toEqual([
      ['us-east-1', true, 1],
      ['eu-west-1', true, 1],
      ['ap-southeast-2', true, 1],
    ]);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      expect(await versionsOf('pandas-python312-x86_64', region)).toEqual([1]);
      expect(regions.find((r) => r.region === region)).toMatchObject({
        layerVersionArn: `arn:aws:lambda:${region}:${MOTO_ACCOUNT}:layer:pandas-python312-x86_64:1`,
      });
    }
    expect(run.events.filter((e) => e.type === 'publish.region.start')).toHaveLength(3);
  });

  it('publish <recipe> builds first through the injected buildLayer, then publishes its zip', async () => {
    const cwd = await mkdtemp(join(scratch(), 'recipe-'));
    const calls: BuildLayerOptions[] = [];
    const buildLayer: BuildLayer = async (options) => {
      calls.push(options);
      const built = await makeLayerZip(join(cwd, 'dist'), 'pandas-2.2.3-python3.12-arm64', {
        files: { 'python/pandas.py': 'built\n' },
        recipe: { name: 'pandas', version: '2.2.3', license: 'BSD-3-Clause' },
        arch: 'arm64',
      });
      return {
        zipPath: built.zipPath,
        manifestPath: built.manifestPath,
        manifest: built.manifest,
        cached: false,
      };
    };
    const env = testAwsEnv(server().endpoint);
    const clients = await createAwsClients({ env });
    const summary = await publishLayer(
      {
        target: 'pandas@^2',
        build: { runtime: 'python3.12', arch: 'arm64', base: 'debian12' },
        regions: ['us-east-1'],
        cwd,
        env,
      },
      { clients, buildLayer, sink: ignoreEvents, signal: new AbortController().signal },
    );
    clients.destroy();
    // The working folder and environment reach the build through the job the command binds to
    // its buildLayer (src/core/job-context.ts), not through the options.
    expect(calls).toEqual([{ recipe: 'pandas@^2', runtime: 'python3.12', arch: 'arm64', base: 'debian12' }]);
    expect(summary.layerName).toBe('pandas-python312-arm64');
    expect(summary.regions).toEqual([expect.objectContaining({ ok: true, version: 1, reused: false })]);
  });

  it('an interruption stops cleanly: InterruptedError, no lock file', async () => {
    const { cwd, layer } = await project();
    const controller = new AbortController();
    const env = testAwsEnv(server().endpoint);
    const clients = await createAwsClients({ env });
    const attempt = publishLayer(
      { target: layer.zipPath, regions: ['us-east-1', 'eu-west-1'], cwd, env, concurrency: 1 },
      {
        clients,
        sink: (event) => {
          if (event.type === 'publish.region.start') controller.abort();
        },
        signal: controller.signal,
      },
    );
    await expect(attempt).rejects.toBeInstanceOf(InterruptedError);
    clients.destroy();
    expect(existsSync(join(cwd, 'layerforge.lock.json'))).toBe(false);
    expect(await versionsOf('pandas-python312-x86_64', 'eu-west-1')).toEqual([]);
  });

  it('reaches AWS through --endpoint-url or the service-specific endpoint variables', async () => {
    const { cwd, layer } = await project();
    const bare = { ...testAwsEnv(server().endpoint) };
    delete bare.AWS_ENDPOINT_URL;
    const flag = await runLayerforge(
      ['publish', layer.zipPath, '--region', 'us-east-1', '--endpoint-url', server().endpoint],
      {
        cwd,
        env: bare,
      },
    );
    expect(flag.code, flag.stderr).toBe(0);
    const perService = await runLayerforge(
      [
        'publish',
        layer.zipPath,
        '--region',
        'eu-west-1',
        '--s3-bucket',
        'lf-env-bucket',
        '--create-bucket',
        '--json',
      ],
      {
        cwd,
        env: { ...bare, AWS_ENDPOINT_URL_LAMBDA: server().endpoint, AWS_ENDPOINT_URL_S3: server().endpoint },
      },
    );
    expect(perService.code, perService.stderr).toBe(0);
    expect(perService.events.some((e) => e.type === 'publish.upload')).toBe(true);
    expect(await versionsOf('pandas-python312-x86_64', 'us-east-1')).toEqual([1]);
    expect(await versionsOf('pandas-python312-x86_64', 'eu-west-1')).toEqual([1]);
  });
});
