// AWS settings resolved as the AWS CLI resolves them (issue 15, "AWS settings"), proven with the
// built CLI in its own process against moto: shared config and credentials files in a temp
// folder, HOME isolated, and a loopback endpoint in front of moto that records the region and
// key id each call was signed with.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runBuiltCli } from '../support/built-cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { startSignedRequestRecorder, type SignedRequestRecorder } from '../support/signed-requests.js';
import { sharedTempDir } from '../support/temp-dir.js';

let moto: MotoServer;
let recorder: SignedRequestRecorder;
const shared = sharedTempDir('lf-aws-settings-');
let work: string;
let baseEnv: NodeJS.ProcessEnv;

/** Distinct keys per profile: the recorder tells which profile signed a call. */
const KEYS = {
  default: 'AKIADEFAULTPROFILE01',
  dummy: 'AKIADUMMYPROFILE0001',
  emu: 'AKIAEMUPROFILE000001',
  split: 'AKIASPLITPROFILE0001',
  env: 'AKIAFROMENVIRONMENT1',
};

beforeAll(async () => {
  requireBuiltCli();
  moto = await startMoto();
  recorder = await startSignedRequestRecorder(moto.endpoint);
  work = shared.path;
  const home = join(work, 'home');
  await writeFile(
    join(work, 'config'),
    [
      '[default]',
      'region = eu-north-1',
      '[profile dummy]',
      'region = ap-southeast-2',
      '[profile emu]',
      'region = ca-central-1',
      `endpoint_url = ${recorder.endpoint}`,
      '[profile split]',
      'region = sa-east-1',
      'services = emulated',
      '[services emulated]',
      'lambda =',
      `  endpoint_url = ${recorder.endpoint}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(work, 'credentials'),
    (['default', 'dummy', 'emu', 'split'] as const)
      .map((p) => `[${p}]\naws_access_key_id = ${KEYS[p]}\naws_secret_access_key = secret-of-${p}-0000\n`)
      .join(''),
  );
  baseEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(work, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // Any call that slipped past the loopback endpoints would die at a closed loopback port.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1',
  };
});

afterAll(async () => {
  await recorder?.stop();
  await moto?.stop();
});

/** Runs `layerforge versions probe --json` and returns the one signed call it made. */
async function signedCall(env: NodeJS.ProcessEnv, args: string[] = []) {
  const before = recorder.requests.length;
  const run = await runBuiltCli(['versions', 'probe', '--json', ...args], {
    cwd: work,
    env: { ...baseEnv, ...env },
  });
  expect(run.stderr).not.toMatch(/error:/);
  expect(run.code).toBe(0);
  const calls = recorder.requests.slice(before);
  expect(calls).toHaveLength(1);
  return { ...calls[0], run };
}

describe('the region, in the AWS CLI order', () => {
  const viaRecorder = () => ({ AWS_ENDPOINT_URL: recorder.endpoint });

  it('AWS_DEFAULT_REGION is used when AWS_REGION is unset (it was ignored)', async () => {
    const call = await signedCall({ ...viaRecorder(), AWS_DEFAULT_REGION: 'us-west-2' });
    expect(call).toMatchObject({ region: 'us-west-2', service: 'lambda', accessKeyId: KEYS.default });
  });

  it("AWS_DEFAULT_REGION beats AWS_PROFILE's region (the profile won)", async () => {
    const call = await signedCall({
      ...viaRecorder(),
      AWS_PROFILE: 'dummy',
      AWS_DEFAULT_REGION: 'us-west-2',
    });
    expect(call).toMatchObject({ region: 'us-west-2', accessKeyId: KEYS.dummy });
  });

  it('AWS_REGION beats AWS_DEFAULT_REGION, and --region beats both', async () => {
    const env = { ...viaRecorder(), AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-2' };
    expect((await signedCall(env)).region).toBe('us-east-2');
    expect((await signedCall(env, ['--region', 'eu-west-3'])).region).toBe('eu-west-3');
  });

  it("falls back to the profile's region, for --profile and AWS_PROFILE alike", async () => {
    expect((await signedCall({ ...viaRecorder(), AWS_PROFILE: 'dummy' })).region).toBe('ap-southeast-2');
    expect((await signedCall(viaRecorder(), ['--profile', 'dummy'])).region).toBe('ap-southeast-2');
    expect((await signedCall(viaRecorder())).region).toBe('eu-north-1');
  });
});

describe("the profile's endpoint_url", () => {
  it('is honoured for --profile (it was ignored) as for AWS_PROFILE', async () => {
    const byFlag = await signedCall({}, ['--profile', 'emu']);
    expect(byFlag).toMatchObject({ region: 'ca-central-1', accessKeyId: KEYS.emu });
    const byEnv = await signedCall({ AWS_PROFILE: 'emu' });
    expect(byEnv).toMatchObject({ region: 'ca-central-1', accessKeyId: KEYS.emu });
  });

  it('--profile beats AWS_PROFILE for the endpoint, the keys and the region', async () => {
    const call = await signedCall({ AWS_PROFILE: 'dummy' }, ['--profile', 'emu']);
    expect(call).toMatchObject({ region: 'ca-central-1', accessKeyId: KEYS.emu });
  });

  it("reads the services section the profile names, for that service's calls", async () => {
    const call = await signedCall({}, ['--profile', 'split']);
    expect(call).toMatchObject({ region: 'sa-east-1', service: 'lambda', accessKeyId: KEYS.split });
  });

  it('is overridden by AWS_ENDPOINT_URL, and --endpoint-url beats both', async () => {
    const before = recorder.requests.length;
    const direct = await runBuiltCli(['versions', 'probe', '--json', '--profile', 'emu'], {
      cwd: work,
      env: { ...baseEnv, AWS_ENDPOINT_URL: moto.endpoint },
    });
    expect(direct.code).toBe(0);
    const flagged = await runBuiltCli(['versions', 'probe', '--json', '--endpoint-url', moto.endpoint], {
      cwd: work,
      env: { ...baseEnv, AWS_ENDPOINT_URL: recorder.endpoint, AWS_PROFILE: 'emu' },
    });
    expect(flagged.code).toBe(0);
    expect(recorder.requests.length).toBe(before);
  });

  it('an endpoint that is not a URL is bad input naming where it came from', async () => {
    const run = await runBuiltCli(['versions', 'probe'], {
      cwd: work,
      env: { ...baseEnv, AWS_ENDPOINT_URL_LAMBDA: 'not a url' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(from AWS_ENDPOINT_URL_LAMBDA) is not an http(s) URL');
  });
});

describe('credentials through the SDK chain', () => {
  it('keys in the environment without a profile; the profile when one is chosen', async () => {
    const keys = {
      AWS_ENDPOINT_URL: recorder.endpoint,
      AWS_ACCESS_KEY_ID: KEYS.env,
      AWS_SECRET_ACCESS_KEY: 'secret-from-environment-0000',
    };
    expect((await signedCall(keys)).accessKeyId).toBe(KEYS.env);
    expect((await signedCall(keys, ['--profile', 'dummy'])).accessKeyId).toBe(KEYS.dummy);
  });

  it('a profile without keys, and none elsewhere, is exit 2 with a hint', async () => {
    const run = await runBuiltCli(['versions', 'probe', '--region', 'us-east-1'], {
      cwd: work,
      env: {
        ...baseEnv,
        AWS_ENDPOINT_URL: recorder.endpoint,
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'missing'),
      },
    });
    expect(run.stderr).toContain('error: no AWS credentials found');
    expect(run.stderr).toContain('hint: ');
    expect(run.code).toBe(2);
  });
});

describe("the SDK's NodeVersionSupportWarning", () => {
  it('is printed once per command below Node 22 (the SDK drops Node 20 in 2027), never from 22 on', async () => {
    const call = await signedCall({ AWS_ENDPOINT_URL: recorder.endpoint, AWS_REGION: 'us-east-1' });
    const count = call.run.stderr.split('NodeVersionSupportWarning').length - 1;
    const major = Number(process.versions.node.split('.')[0]);
    expect(count).toBe(major < 22 ? 1 : 0);
  });
});
