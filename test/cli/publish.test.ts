import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isolateAwsProcessEnv,
  makeLayerZip,
  NOWHERE,
  runLayerforge,
  testAwsEnv,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('lf-cli-publish-');
let scratch: string;
let layer: LayerZip;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  layer = await makeLayerZip(join(scratch, 'dist'), 'hello-1.0.0-python3.12-x86_64', {
    files: { 'python/x.py': 'x = 1\n' },
  });
});

const run = (args: string[], env: NodeJS.ProcessEnv = testAwsEnv(NOWHERE)) =>
  runLayerforge(args, { cwd: scratch, env });

describe('layerforge publish: input errors', () => {
  it('no region anywhere is exit 2 with a hint', async () => {
    const out = await run(['publish', layer.zipPath]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error: no region');
    expect(out.stderr).toMatch(/hint: pass --region/);
  });

  it('takes the region from AWS_REGION when --region is absent', async () => {
    const out = await run(['publish', layer.zipPath, '--json'], {
      ...testAwsEnv(NOWHERE),
      AWS_REGION: 'eu-west-1',
    });
    // Nothing listens at NOWHERE: the region fails, but it was the environment's region.
    expect(out.code).toBe(1);
    const summary = out.events.find((e) => e.type === 'publish.summary') as {
      regions: { region: string; ok: boolean }[];
    };
    expect(summary.regions).toEqual([expect.objectContaining({ region: 'eu-west-1', ok: false })]);
  });

  it('an invalid --name is exit 2', async () => {
    const out = await run(['publish', layer.zipPath, '--region', 'us-east-1', '--name', 'bad name!']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('"bad name!" is not a valid layer name');
  });

  it('an unknown region is exit 2', async () => {
    const out = await run(['publish', layer.zipPath, '--region', 'mars-north-1x']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('is not an AWS region');
  });

  it('a zip that does not match its manifest is exit 2, showing both digests', async () => {
    const other = await makeLayerZip(join(scratch, 'tampered'), 'hello', {
      files: { 'python/x.py': 'original\n' },
    });
    await writeFile(other.zipPath, 'not the zip the manifest describes');
    const out = await run(['publish', other.zipPath, '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('does not match its manifest');
    expect(out.stderr).toContain(`manifest sha256: ${other.sha256}`);
    expect(out.stderr).toMatch(/zip sha256: +[0-9a-f]{64}/);
  });

  it('a zip without a manifest is exit 2', async () => {
    const zip = join(scratch, 'orphan.zip');
    await writeFile(zip, 'PK');
    const out = await run(['publish', zip, '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no manifest at');
  });

  it('missing credentials are exit 2 with a hint, not a stack', async () => {
    const out = await run(['publish', layer.zipPath, '--region', 'us-east-1'], {
      PATH: process.env.PATH,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: NOWHERE,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error: no AWS credentials found');
    expect(out.stderr).toContain('--profile');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a recipe target goes through the real build first (an unknown recipe fails there, exit 2)', async () => {
    const out = await run(['publish', 'no-such-recipe@^1', '--region', 'us-east-1']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no recipe named "no-such-recipe"');
  });

  it('a damaged lock file stops publish before any upload', async () => {
    const cwd = await mkdtemp(join(scratch, 'damaged-lock-'));
    await writeFile(join(cwd, 'layerforge.lock.json'), '{ not json');
    const out = await runLayerforge(['publish', layer.zipPath, '--region', 'us-east-1'], {
      cwd,
      env: testAwsEnv(NOWHERE),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('layerforge.lock.json is not valid JSON');
  });

  it('rejects bad sharing options', async () => {
    const both = await run([
      'publish',
      layer.zipPath,
      '--region',
      'us-east-1',
      '--public',
      '--principal',
      '111122223333',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--public already shares with every account');
    const account = await run(['publish', layer.zipPath, '--region', 'us-east-1', '--principal', '12345']);
    expect(account.code).toBe(2);
    expect(account.stderr).toContain('"12345" is not an AWS account id');
    const org = await run(['publish', layer.zipPath, '--region', 'us-east-1', '--org', 'acme']);
    expect(org.code).toBe(2);
    expect(org.stderr).toContain('"acme" is not an AWS organization id');
  });

  it('rejects a malformed --s3-bucket and --endpoint-url', async () => {
    const bucket = await run([
      'publish',
      layer.zipPath,
      '--region',
      'us-east-1',
      '--s3-bucket',
      'Bad_Bucket',
    ]);
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain('"Bad_Bucket" is not a valid S3 bucket name');
    const endpoint = await run([
      'publish',
      layer.zipPath,
      '--region',
      'us-east-1',
      '--endpoint-url',
      'localhost:5000',
    ]);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('is not an http(s) URL');
  });
});

describe('layerforge arns: input errors', () => {
  it('no lock file is exit 2 with a hint', async () => {
    const cwd = await mkdtemp(join(scratch, 'empty-'));
    const out = await runLayerforge(['arns'], { cwd, env: {} });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no published layers recorded');
    expect(out.stderr).toContain('layerforge publish');
  });

  it('an unknown format and a damaged lock file are exit 2', async () => {
    const cwd = await mkdtemp(join(scratch, 'damaged-'));
    await writeFile(
      join(cwd, 'layerforge.lock.json'),
      '{"lockfileVersion": 1, "layers": [{"layerName": 3}]}',
    );
    const damaged = await runLayerforge(['arns'], { cwd, env: {} });
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toContain('is not a layerforge lock file');
    const format = await runLayerforge(['arns', '--format', 'yaml'], { cwd, env: {} });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown format "yaml"');
  });
});
