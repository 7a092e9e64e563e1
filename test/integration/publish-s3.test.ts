import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand, ListLayerVersionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_LIMITS } from '../../src/core/lambda/quotas.js';
import { useMotoProjects } from '../support/moto-project.js';
import {
  TEST_CREDENTIALS,
  makeLayerZip,
  runLayerforge,
  testAwsEnv,
  type CliRun,
  type LayerZip,
} from '../support/publish-fixtures.js';

const { server, scratch, lambda } = useMotoProjects('lf-publish-s3');
/** Over Lambda's 50 MB inline limit, of random (incompressible) bytes: generated once per file. */
let big: LayerZip;
let small: LayerZip;

beforeAll(async () => {
  big = await makeLayerZip(join(scratch(), 'big'), 'bigdata-1.0.0-python3.12-x86_64', {
    files: { 'python/blob.bin': randomBytes(LAMBDA_LIMITS.directUploadZippedBytes + 1024 * 1024) },
    recipe: { name: 'bigdata', version: '1.0.0' },
    store: true,
  });
  small = await makeLayerZip(join(scratch(), 'small'), 'tiny-1.0.0-python3.12-x86_64', {
    files: { 'python/tiny.py': 'x = 1\n' },
    recipe: { name: 'tiny', version: '1.0.0' },
  });
});

const s3 = (region: string) =>
  new S3Client({ region, endpoint: server().endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS });

async function keysIn(bucket: string, region: string): Promise<string[]> {
  const listed = await s3(region).send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

async function versionCount(name: string, region: string): Promise<number> {
  return (
    (await lambda(region).send(new ListLayerVersionsCommand({ LayerName: name }))).LayerVersions?.length ?? 0
  );
}

async function publish(args: string[]): Promise<CliRun> {
  const cwd = await mkdtemp(join(scratch(), 'cwd-'));
  return runLayerforge(['publish', ...args], { cwd, env: testAwsEnv(server().endpoint) });
}

describe('(c) zips over 50 MB go through S3', () => {
  it('the fixture really is over the inline limit', () => {
    expect(big.manifest.zip.zippedBytes).toBeGreaterThan(LAMBDA_LIMITS.directUploadZippedBytes);
  });

  it('stages in the region bucket, publishes from S3, and removes the staged zip', async () => {
    const run = await publish([
      big.zipPath,
      '--region',
      'eu-west-1',
      '--s3-bucket',
      'lf-stage-{region}',
      '--create-bucket',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const upload = run.events.find((e) => e.type === 'publish.upload');
    expect(upload).toEqual({
      type: 'publish.upload',
      region: 'eu-west-1',
      bucket: 'lf-stage-eu-west-1',
      key: `layerforge-staging/bigdata-python312-x86_64/${big.sha256}.zip`,
      bytes: big.manifest.zip.zippedBytes,
    });
    const version = await lambda('eu-west-1').send(
      new GetLayerVersionCommand({ LayerName: 'bigdata-python312-x86_64', VersionNumber: 1 }),
    );
    expect(version.Content?.CodeSha256).toBe(big.codeSha256);
    expect(version.Content?.CodeSize).toBe(big.manifest.zip.zippedBytes);
    expect(await keysIn('lf-stage-eu-west-1', 'eu-west-1')).toEqual([]);
  });

  it('keeps the staged zip with --keep-staged', async () => {
    const run = await publish([
      big.zipPath,
      '--region',
      'us-east-1',
      '--s3-bucket',
      'lf-keep',
      '--create-bucket',
      '--keep-staged',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const key = `layerforge-staging/bigdata-python312-x86_64/${big.sha256}.zip`;
    expect(await keysIn('lf-keep', 'us-east-1')).toEqual([key]);
    const head = await s3('us-east-1').send(new HeadObjectCommand({ Bucket: 'lf-keep', Key: key }));
    expect(head.ContentLength).toBe(big.manifest.zip.zippedBytes);
  });

  it('fails clearly, naming --create-bucket, when the bucket does not exist', async () => {
    const run = await publish([big.zipPath, '--region', 'us-east-1', '--s3-bucket', 'lf-missing']);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('S3 bucket lf-missing does not exist in us-east-1');
    expect(run.stderr).toContain('--create-bucket');
    expect(await versionCount('bigdata-python312-x86_64', 'us-east-1')).toBe(0);
  });

  it('refuses a zip over 50 MB without a bucket, before calling AWS', async () => {
    const run = await publish([big.zipPath, '--region', 'us-east-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/over the 50 MB Lambda accepts inline/);
    expect(run.stderr).toContain('--s3-bucket');
    expect(await versionCount('bigdata-python312-x86_64', 'us-east-1')).toBe(0);
  });

  it('stages a small zip too when a bucket is given, per region from a region=bucket map', async () => {
    const run = await publish([
      small.zipPath,
      '--region',
      'us-east-1,eu-west-1',
      '--s3-bucket',
      'us-east-1=lf-map-a,eu-west-1=lf-map-b',
      '--create-bucket',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const uploads = run.events.filter((e) => e.type === 'publish.upload').map((e) => [e.region, e.bucket]);
    expect(uploads.sort()).toEqual([
      ['eu-west-1', 'lf-map-b'],
      ['us-east-1', 'lf-map-a'],
    ]);
    expect(await keysIn('lf-map-a', 'us-east-1')).toEqual([]);
    expect(await keysIn('lf-map-b', 'eu-west-1')).toEqual([]);
  });

  it('rejects a map that names no bucket for a region, and one bucket for several regions', async () => {
    const gap = await publish([
      small.zipPath,
      '--region',
      'us-east-1,eu-west-1',
      '--s3-bucket',
      'us-east-1=lf-map-a',
    ]);
    expect(gap.code).toBe(2);
    expect(gap.stderr).toContain('--s3-bucket names no bucket for eu-west-1');
    const single = await publish([small.zipPath, '--region', 'us-east-1,eu-west-1', '--s3-bucket', 'lf-one']);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('cannot stage zips for 2 regions');
    expect(await versionCount('tiny-python312-x86_64', 'us-east-1')).toBe(0);
  });

  it('refuses a bucket in another region than the layer', async () => {
    await s3('eu-west-1').send(
      new CreateBucketCommand({
        Bucket: 'lf-elsewhere',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const run = await publish([small.zipPath, '--region', 'us-east-1', '--s3-bucket', 'lf-elsewhere']);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('bucket lf-elsewhere is in eu-west-1, not us-east-1');
  });
});
