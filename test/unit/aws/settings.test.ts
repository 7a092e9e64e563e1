import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadAwsSettings,
  resolveAwsSettings,
  sharedFilePaths,
  type SharedConfigFiles,
} from '../../../src/core/aws/settings.js';
import { tempDir } from '../../support/temp-dir.js';

const files = (configFile: SharedConfigFiles['configFile'], credentialsFile = {}): SharedConfigFiles => ({
  configFile,
  credentialsFile,
});

const CONFIG = files({
  default: { region: 'eu-central-1' },
  dummy: { region: 'ap-southeast-2', endpoint_url: 'http://profile-endpoint' },
  split: { services: 'local' },
  'services.local': { 'lambda.endpoint_url': 'http://lambda-only' },
  quiet: { endpoint_url: 'http://ignored', ignore_configured_endpoint_urls: 'true' },
});

describe('the region, in the AWS CLI order', () => {
  const region = (env: NodeJS.ProcessEnv, profile?: string) =>
    resolveAwsSettings({ env, ...(profile ? { profile } : {}) }, CONFIG).region;

  it('AWS_REGION, then AWS_DEFAULT_REGION, then the profile, then none', () => {
    const env = { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2', AWS_PROFILE: 'dummy' };
    expect(region(env)).toEqual({ value: 'us-east-2', source: 'AWS_REGION' });
    expect(region({ ...env, AWS_REGION: undefined })).toEqual({
      value: 'us-west-2',
      source: 'AWS_DEFAULT_REGION',
    });
    expect(region({ AWS_PROFILE: 'dummy' })).toEqual({
      value: 'ap-southeast-2',
      source: 'region in the profile',
    });
    expect(region({})).toEqual({ value: 'eu-central-1', source: 'region in the profile' });
    expect(resolveAwsSettings({ env: {} }, files({})).region).toBeUndefined();
  });

  it('AWS_DEFAULT_REGION beats the region of a profile chosen by --profile', () => {
    expect(region({ AWS_DEFAULT_REGION: 'us-west-2' }, 'dummy')?.value).toBe('us-west-2');
  });

  it('an empty variable counts as unset', () => {
    expect(region({ AWS_REGION: '', AWS_DEFAULT_REGION: ' ' }, 'dummy')?.value).toBe('ap-southeast-2');
  });
});

describe('the profile', () => {
  it('--profile beats AWS_PROFILE; none means default', () => {
    expect(resolveAwsSettings({ env: { AWS_PROFILE: 'a' }, profile: 'b' }, CONFIG).profile).toEqual({
      value: 'b',
      source: '--profile',
    });
    expect(resolveAwsSettings({ env: { AWS_PROFILE: 'a' } }, CONFIG).profile?.source).toBe('AWS_PROFILE');
    expect(resolveAwsSettings({ env: {} }, CONFIG).profile).toBeUndefined();
  });

  it('merges the credentials file under the config file, as the SDK does', () => {
    const both = files({ p: { region: 'from-config' } }, { p: { region: 'from-credentials' } });
    expect(resolveAwsSettings({ env: {}, profile: 'p' }, both).region?.value).toBe('from-config');
    const onlyCredentials = files({}, { p: { region: 'from-credentials' } });
    expect(resolveAwsSettings({ env: {}, profile: 'p' }, onlyCredentials).region?.value).toBe(
      'from-credentials',
    );
  });
});

describe('the endpoint, per service', () => {
  const endpoints = (env: NodeJS.ProcessEnv, options: { profile?: string; endpointUrl?: string } = {}) =>
    resolveAwsSettings({ env, ...options }, CONFIG).endpoints;

  it('the flag, then the service variable, then AWS_ENDPOINT_URL, then the profile', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://all',
      AWS_ENDPOINT_URL_S3: 'http://s3',
      AWS_PROFILE: 'dummy',
    };
    expect(endpoints(env).s3).toEqual({ value: 'http://s3', source: 'AWS_ENDPOINT_URL_S3' });
    expect(endpoints(env).lambda).toEqual({ value: 'http://all', source: 'AWS_ENDPOINT_URL' });
    expect(endpoints(env, { endpointUrl: 'http://flag' }).lambda?.value).toBe('http://flag');
    expect(endpoints({ AWS_PROFILE: 'dummy' }).lambda).toEqual({
      value: 'http://profile-endpoint',
      source: 'endpoint_url in the profile',
    });
    expect(endpoints({}).lambda).toBeUndefined();
  });

  it("honours the profile's endpoint_url whichever way the profile was chosen", () => {
    expect(endpoints({}, { profile: 'dummy' }).lambda?.value).toBe('http://profile-endpoint');
    expect(endpoints({ AWS_PROFILE: 'dummy' }).lambda?.value).toBe('http://profile-endpoint');
    // --profile wins over AWS_PROFILE for the endpoint as for everything else.
    expect(endpoints({ AWS_PROFILE: 'dummy' }, { profile: 'default' }).lambda).toBeUndefined();
  });

  it("reads a profile's services section for the one service it names", () => {
    expect(endpoints({}, { profile: 'split' }).lambda).toEqual({
      value: 'http://lambda-only',
      source: '[services local] lambda',
    });
    expect(endpoints({}, { profile: 'split' }).s3).toBeUndefined();
  });

  it('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and the profile setting leave only the flag', () => {
    const env = { AWS_ENDPOINT_URL: 'http://all', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(endpoints(env, { profile: 'dummy' }).lambda).toBeUndefined();
    expect(endpoints(env, { endpointUrl: 'http://flag' }).lambda?.value).toBe('http://flag');
    expect(endpoints({}, { profile: 'quiet' }).lambda).toBeUndefined();
    // The variable set to false overrides the profile's setting, as in the SDK.
    expect(
      endpoints({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }, { profile: 'quiet' }).lambda?.value,
    ).toBe('http://ignored');
  });
});

describe('the shared files', () => {
  it('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else under HOME', () => {
    expect(sharedFilePaths({ HOME: '/h' })).toEqual({
      configFile: '/h/.aws/config',
      credentialsFile: '/h/.aws/credentials',
    });
    expect(
      sharedFilePaths({ HOME: '/h', AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '/k' }),
    ).toEqual({ configFile: '/h/c', credentialsFile: '/k' });
  });

  it("are read with the SDK's own parser: profiles, services sections, comments", async () => {
    const dir = await tempDir('lf-aws-settings-');
    await writeFile(
      join(dir, 'config'),
      [
        '[default]',
        'region = eu-west-3',
        '[profile dev] # a comment',
        'region = ap-south-1',
        'services = emu',
        '[services emu]',
        's3 =',
        '  endpoint_url = http://127.0.0.1:4566',
      ].join('\n'),
    );
    const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config') };
    const dev = await loadAwsSettings({ env, profile: 'dev' });
    expect(dev.region?.value).toBe('ap-south-1');
    expect(dev.endpoints.s3?.value).toBe('http://127.0.0.1:4566');
    expect(dev.endpoints.lambda).toBeUndefined();
    expect((await loadAwsSettings({ env })).region?.value).toBe('eu-west-3');
    // A missing file is an empty one.
    expect(await loadAwsSettings({ env: { HOME: join(dir, 'none') } })).toMatchObject({
      endpoints: { lambda: undefined, s3: undefined },
    });
  });
});
