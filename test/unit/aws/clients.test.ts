import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/core/aws/clients.js';
import { tempDir } from '../../support/temp-dir.js';

const saved = { ...process.env };
/** A home with no ~/.aws: the tests never read this machine's AWS files. */
let home = '';
beforeEach(async () => {
  home = await tempDir('lf-aws-home-');
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
});
afterEach(() => {
  process.env = { ...saved };
});

describe('endpoints', () => {
  it('gives S3 path-style addressing against a custom endpoint', async () => {
    const clients = await createAwsClients({
      env: { HOME: home, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' },
    });
    const s3 = clients.s3('eu-west-1');
    expect(s3.config.forcePathStyle).toBe(true);
    const endpoint = await s3.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    clients.destroy();
  });
});

describe('credentials and region', () => {
  it('uses keys from the injected environment and remembers them for redaction', async () => {
    const clients = await createAwsClients({
      env: {
        HOME: home,
        AWS_ACCESS_KEY_ID: 'AKIAINJECTED00000001',
        AWS_SECRET_ACCESS_KEY: 'injected-secret-value',
      },
    });
    await clients.checkCredentials();
    const identity = await clients.lambda('us-east-1').config.credentials();
    expect(identity.accessKeyId).toBe('AKIAINJECTED00000001');
    expect(clients.redact('x AKIAINJECTED00000001 injected-secret-value')).toBe('x [redacted] [redacted]');
    clients.destroy();
  });

  it('reports missing credentials as a UserError', async () => {
    const clients = await createAwsClients({ env: { HOME: home } });
    await expect(clients.checkCredentials()).rejects.toMatchObject({
      name: 'UserError',
      message: 'no AWS credentials found',
    });
  });

  it('takes the default region from AWS_REGION, else none', async () => {
    expect(
      await (await createAwsClients({ env: { HOME: home, AWS_REGION: 'eu-north-1' } })).defaultRegion(),
    ).toBe('eu-north-1');
    expect(await (await createAwsClients({ env: { HOME: home } })).defaultRegion()).toBeUndefined();
  });

  it('reads region and keys of --profile from the AWS config file, as the SDK does', async () => {
    const dir = await tempDir('lf-aws-config-');
    const config = join(dir, 'config');
    await writeFile(
      config,
      '[profile dev]\nregion = ap-south-1\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = profile-secret-value\n',
    );
    const clients = await createAwsClients({
      profile: 'dev',
      env: {
        HOME: home,
        AWS_CONFIG_FILE: config,
        AWS_ACCESS_KEY_ID: 'AKIAIGNORED000000001',
        AWS_SECRET_ACCESS_KEY: 'x'.repeat(20),
      },
    });
    expect(await clients.defaultRegion()).toBe('ap-south-1');
    await clients.checkCredentials();
    expect((await clients.lambda('us-east-1').config.credentials()).accessKeyId).toBe('AKIAPROFILE000000001');
    expect(clients.redact('profile-secret-value')).toBe('[redacted]');
    clients.destroy();
  });

  it('gives PublishLayerVersion a single SDK attempt and reads several', async () => {
    const clients = await createAwsClients({ env: { HOME: home } });
    expect(await clients.lambdaPublish('us-east-1').config.maxAttempts()).toBe(1);
    expect(await clients.lambda('us-east-1').config.maxAttempts()).toBe(5);
    clients.destroy();
  });
});
