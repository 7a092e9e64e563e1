import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockFileSchema } from '../../src/core/publish/lock-file.js';
import { useMotoProjects } from '../support/moto-project.js';
import { makeLayerZip, runLayerforge, testAwsEnv, type CliRun } from '../support/publish-fixtures.js';

// `versions delete` against moto's Lambda with the real SDK: five versions published by layerforge
// in two regions, old ones deleted with DeleteLayerVersion, the lock file kept in step.

const { server, project, versionsOf, publish } = useMotoProjects('lf-versions-delete');
const LAYER = 'pandas-python312-x86_64';
const REGIONS = ['us-east-1', 'eu-west-1'];

/** A project with five versions of the layer in both regions, each published by layerforge. */
async function fiveVersions(): Promise<string> {
  const { cwd } = await project('print("v1")\n');
  for (let n = 1; n <= 5; n++) {
    const zip = await makeLayerZip(join(cwd, `v${n}`), 'pandas-2.2.3-python3.12-x86_64', {
      files: { 'python/v.py': `print(${n})\n` },
      recipe: { name: 'pandas', version: '2.2.3' },
      runtimes: ['python3.12'],
    });
    const run = await publish(cwd, [zip.zipPath, '--region', REGIONS.join(',')]);
    expect(run.code, run.stderr).toBe(0);
  }
  for (const region of REGIONS) expect(await versionsOf(LAYER, region)).toEqual([1, 2, 3, 4, 5]);
  return cwd;
}

async function lockVersions(cwd: string): Promise<string[]> {
  const lock = lockFileSchema.parse(JSON.parse(await readFile(join(cwd, 'layerforge.lock.json'), 'utf8')));
  return lock.layers.map((e) => `${e.region}:${e.layerVersion}${e.current ? '*' : ''}`);
}

const versions = (cwd: string, args: string[]): Promise<CliRun> =>
  runLayerforge(['versions', ...args], { cwd, env: testAwsEnv(server().endpoint) });

describe('versions delete against moto', () => {
  it('deletes all but the newest 2 in two regions, and the lock file forgets them', async () => {
    const cwd = await fiveVersions();
    const run = await versions(cwd, [
      'delete',
      LAYER,
      '--keep-last',
      '2',
      '--region',
      REGIONS.join(','),
      '--yes',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^deleted arn:aws:lambda:us-east-1:\d+:layer:pandas-python312-x86_64:1 \(us-east-1\)$/m,
    );
    for (const region of REGIONS) expect(await versionsOf(LAYER, region)).toEqual([4, 5]);
    expect(await lockVersions(cwd)).toEqual(['eu-west-1:4', 'eu-west-1:5*', 'us-east-1:4', 'us-east-1:5*']);
    // `versions <layer>` still lists, as before the sub-command existed.
    const listed = await versions(cwd, [LAYER, '--region', 'eu-west-1', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as { versions: { version: number }[] }).versions.map((v) => v.version),
    ).toEqual([5, 4]);
  });

  it("keeps the lock file's current version unless --force", async () => {
    const cwd = await fiveVersions();
    // Publishing v2's content again reuses version 2 and makes it current in us-east-1.
    const again = await publish(cwd, [
      join(cwd, 'v2', 'pandas-2.2.3-python3.12-x86_64.zip'),
      '--region',
      'us-east-1',
    ]);
    expect(again.code, again.stderr).toBe(0);
    // The region comes from the parent's option: `versions --region r delete …`.
    const kept = await versions(cwd, [
      '--region',
      'us-east-1',
      'delete',
      LAYER,
      '--keep-last',
      '2',
      '--yes',
      '--json',
    ]);
    expect(kept.code, kept.stderr).toBe(0);
    const plan = (JSON.parse(kept.stdout) as { plan: { region: string; keep: unknown[] }[] }).plan;
    expect(plan).toEqual([
      expect.objectContaining({
        region: 'us-east-1',
        keep: [
          { version: 5, why: 'newest' },
          { version: 4, why: 'newest' },
          { version: 2, why: 'current' },
        ],
      }),
    ]);
    expect(await versionsOf(LAYER, 'us-east-1')).toEqual([2, 4, 5]);
    expect(await versionsOf(LAYER, 'eu-west-1')).toEqual([1, 2, 3, 4, 5]);

    const forced = await versions(cwd, [
      'delete',
      LAYER,
      '--keep-last',
      '2',
      '--region',
      'us-east-1',
      '--force',
      '--yes',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await versionsOf(LAYER, 'us-east-1')).toEqual([4, 5]);
    expect((await lockVersions(cwd)).filter((v) => v.startsWith('us-east-1'))).toEqual([
      'us-east-1:4',
      'us-east-1:5',
    ]);
  });

  it('without a terminal it needs --yes (exit 2) and deletes nothing; --dry-run only shows', async () => {
    const cwd = await fiveVersions();
    const before = await readFile(join(cwd, 'layerforge.lock.json'), 'utf8');
    const refused = await versions(cwd, ['delete', LAYER, '--keep-last', '2', '--region', 'us-east-1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/hint: add --yes/);
    const dry = await versions(cwd, [
      'delete',
      LAYER,
      '--keep-last',
      '2',
      '--region',
      'us-east-1',
      '--dry-run',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^us-east-1\s+3\s+\S+\s+delete$/m);
    expect(dry.stdout).toMatch(/would delete 3 version\(s\)/);
    expect(await versionsOf(LAYER, 'us-east-1')).toEqual([1, 2, 3, 4, 5]);
    expect(await readFile(join(cwd, 'layerforge.lock.json'), 'utf8')).toBe(before);
  });
});
