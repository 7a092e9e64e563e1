import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionPolicyCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { lockFileSchema } from '../../src/core/publish/lock-file.js';
import { MOTO_ACCOUNT } from '../support/moto.js';
import { useMotoProjects } from '../support/moto-project.js';
import {
  TEST_CREDENTIALS,
  listFiles,
  makeLayerZip,
  runLayerforge,
  testAwsEnv,
} from '../support/publish-fixtures.js';

const { server, project, lambda, versionsOf, publish } = useMotoProjects('lf-publish-records');

describe('publish against moto: sharing, records, remote versions, secrets', () => {
  it('(e) shares publicly and with an account; re-running adds no statement twice', async () => {
    const { cwd, layer } = await project();
    const args = [layer.zipPath, '--region', 'us-east-1', '--public', '--json'];
    const first = await publish(cwd, args);
    expect(first.code, first.stderr).toBe(0);
    const second = await publish(cwd, [
      layer.zipPath,
      '--region',
      'us-east-1',
      '--principal',
      '111122223333',
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    const again = await publish(cwd, [...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const againAccount = await publish(cwd, [
      layer.zipPath,
      '--region',
      'us-east-1',
      '--principal',
      '111122223333',
      '--json',
    ]);
    expect(againAccount.code).toBe(0);
    expect(again.events.filter((e) => e.type === 'publish.permission')).toEqual([
      expect.objectContaining({ statementId: 'layerforge-public', added: false }),
    ]);

    const policy = await lambda('us-east-1').send(
      new GetLayerVersionPolicyCommand({ LayerName: 'pandas-python312-x86_64', VersionNumber: 1 }),
    );
    const statements = (JSON.parse(policy.Policy ?? '{}') as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      'layerforge-account-111122223333',
      'layerforge-public',
    ]);
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    expect(bySid.get('layerforge-public')).toMatchObject({
      Action: 'lambda:GetLayerVersion',
      Principal: '*',
      Effect: 'Allow',
    });
    expect(bySid.get('layerforge-account-111122223333')).toMatchObject({
      Action: 'lambda:GetLayerVersion',
      Principal: '111122223333',
    });
    expect(await versionsOf('pandas-python312-x86_64')).toEqual([1]);
  });

  it('(e) shares with an organization', async () => {
    const { cwd, layer } = await project();
    const run = await publish(cwd, [layer.zipPath, '--region', 'us-east-1', '--org', 'o-a1b2c3d4e5']);
    expect(run.code, run.stderr).toBe(0);
    const policy = await lambda('us-east-1').send(
      new GetLayerVersionPolicyCommand({ LayerName: 'pandas-python312-x86_64', VersionNumber: 1 }),
    );
    const statements = (JSON.parse(policy.Policy ?? '{}') as { Statement: Record<string, unknown>[] })
      .Statement;
    // moto keeps the request's OrganizationId field; AWS turns it into an aws:PrincipalOrgID condition.
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'layerforge-org-o-a1b2c3d4e5',
        Principal: '*',
        OrganizationId: 'o-a1b2c3d4e5',
      }),
    ]);
  });

  it('(f) records every region in the lock file and prints arns in every format', async () => {
    const { cwd, layer } = await project();
    const run = await publish(cwd, [layer.zipPath, '--region', 'us-east-1,eu-west-1']);
    expect(run.code, run.stderr).toBe(0);
    const lockText = await readFile(join(cwd, 'layerforge.lock.json'), 'utf8');
    const lock = lockFileSchema.parse(JSON.parse(lockText));
    const arn = (region: string) =>
      `arn:aws:lambda:${region}:${MOTO_ACCOUNT}:layer:pandas-python312-x86_64:1`;
    expect(lock.layers.map((e) => ({ ...e, publishedAt: typeof e.publishedAt }))).toEqual([
      {
        layerName: 'pandas-python312-x86_64',
        region: 'eu-west-1',
        layerVersion: 1,
        layerVersionArn: arn('eu-west-1'),
        current: true,
        recipe: 'pandas',
        recipeVersion: '2.2.3',
        runtimes: ['python3.12', 'python3.13'],
        arch: 'x86_64',
        sha256: layer.sha256,
        codeSha256: layer.codeSha256,
        publishedAt: 'string',
        account: MOTO_ACCOUNT,
        inputsDigest: layer.manifest.inputsDigest,
      },
      expect.objectContaining({ region: 'us-east-1', layerVersionArn: arn('us-east-1'), layerVersion: 1 }),
    ]);
    expect(Number.isNaN(Date.parse(lock.layers[0]?.publishedAt ?? ''))).toBe(false);

    // A no-op re-run leaves the committed file byte-for-byte unchanged.
    expect((await publish(cwd, [layer.zipPath, '--region', 'us-east-1,eu-west-1'])).code).toBe(0);
    expect(await readFile(join(cwd, 'layerforge.lock.json'), 'utf8')).toBe(lockText);

    const arns = async (format: string) => {
      const out = await runLayerforge(['arns', '--format', format], { cwd, env: {} });
      expect(out.code, out.stderr).toBe(0);
      return out.stdout;
    };
    const json = JSON.parse(await arns('json')) as { region: string; layerVersionArn: string }[];
    expect(json.map((e) => [e.region, e.layerVersionArn])).toEqual([
      ['eu-west-1', arn('eu-west-1')],
      ['us-east-1', arn('us-east-1')],
    ]);
    expect(await arns('env')).toBe(
      `PANDAS_PYTHON312_X86_64_EU_WEST_1=${arn('eu-west-1')}\nPANDAS_PYTHON312_X86_64_US_EAST_1=${arn('us-east-1')}\n`,
    );
    const sam = parseYaml(await arns('sam')) as {
      Mappings: Record<string, Record<string, Record<string, string>>>;
    };
    expect(sam.Mappings.LayerforgeLayers).toEqual({
      'eu-west-1': { PandasPython312X8664: arn('eu-west-1') },
      'us-east-1': { PandasPython312X8664: arn('us-east-1') },
    });
    const terraform = await arns('terraform');
    expect(terraform).toContain(
      `"pandas-python312-x86_64" = {\n      "eu-west-1" = "${arn('eu-west-1')}"\n      "us-east-1" = "${arn('us-east-1')}"\n    }`,
    );
    expect(terraform).toMatch(/^locals \{$/m);
    const cdk = await arns('cdk');
    expect(cdk).toContain(
      `  'pandas-python312-x86_64': {\n    'eu-west-1': '${arn('eu-west-1')}',\n    'us-east-1': '${arn('us-east-1')}',\n  },`,
    );
    expect((await runLayerforge(['arns', '--json'], { cwd, env: {} })).stdout).toBe(await arns('json'));
  });

  it('versions lists what exists remotely, with CodeSha256 on request', async () => {
    const { cwd, layer } = await project();
    expect((await publish(cwd, [layer.zipPath, '--region', 'us-east-1'])).code).toBe(0);
    const out = await runLayerforge(
      ['versions', 'pandas-python312-x86_64', '--region', 'us-east-1', '--code-sha256', '--json'],
      {
        cwd,
        env: testAwsEnv(server().endpoint),
      },
    );
    expect(out.code, out.stderr).toBe(0);
    const parsed = JSON.parse(out.stdout) as { versions: Record<string, unknown>[] };
    expect(parsed.versions).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        version: 1,
        codeSha256: layer.codeSha256,
        runtimes: ['python3.12', 'python3.13'],
        architectures: ['x86_64'],
      }),
    ]);
    const table = await runLayerforge(['versions', 'pandas-python312-x86_64', '--region', 'us-east-1'], {
      cwd,
      env: testAwsEnv(server().endpoint),
    });
    expect(table.stdout).toMatch(/^REGION\s+VERSION\s+CREATED\s+RUNTIMES\s+ARCH$/m);
    expect(table.stdout).toMatch(/^us-east-1\s+1\s+\S+\s+python3\.12,python3\.13\s+x86_64$/m);
  });

  it('keeps the dummy credentials out of every output, event and file', async () => {
    const { cwd, layer } = await project();
    const other = await makeLayerZip(join(cwd, 'other'), 'other', { files: { 'lib/x.txt': 'x' } });
    const runs = [
      await publish(cwd, [layer.zipPath, '--region', 'us-east-1,eu-west-1', '--public', '--json']),
      await publish(cwd, [layer.zipPath, '--region', 'us-east-1']),
      // A failing region (no such bucket) and an error path under --debug.
      await publish(cwd, [
        other.zipPath,
        '--region',
        'us-east-1',
        '--s3-bucket',
        'no-such-bucket-lf',
        '--debug',
      ]),
      await runLayerforge(['versions', 'pandas-python312-x86_64', '--region', 'us-east-1', '--code-sha256'], {
        cwd,
        env: testAwsEnv(server().endpoint),
      }),
      await runLayerforge(['arns', '--format', 'terraform'], { cwd, env: {} }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 0, 0]);
    const secrets = Object.values(TEST_CREDENTIALS);
    for (const run of runs) {
      for (const secret of secrets) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
        expect(JSON.stringify(run.events)).not.toContain(secret);
      }
    }
    const files = await listFiles(cwd);
    expect(files.some((f) => f.endsWith('layerforge.lock.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.manifest.json'))).toBe(true);
    for (const file of files) {
      const text = (await readFile(file)).toString('latin1');
      for (const secret of secrets) expect(text, file).not.toContain(secret);
    }
  });
});
