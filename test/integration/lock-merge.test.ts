// `lock merge` of locks from parallel publishes to moto equals the lock of one sequential publish
// (issue 18, item 4).
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/core/publish/lock-file.js';
import { MOTO_ACCOUNT } from '../support/moto.js';
import { useMotoProjects } from '../support/moto-project.js';
import { makeLayerZip, runLayerforge, type LayerZip } from '../support/publish-fixtures.js';

const { server, scratch, publish } = useMotoProjects('lf-lock-merge');

const REGIONS = ['--region', 'us-east-1', '--region', 'eu-west-1'];

/**
 * publishedAt is Lambda's CreatedDate: the clock time at which each moto state created the
 * version, so two runs can never agree on it. It is the one field set aside, after checking it
 * is a date; every other byte (accounts, ARNs, versions, digests, current) must be equal.
 */
function withoutClock(lockText: string): string {
  return lockText.replace(/"publishedAt": "([^"]*)"/g, (_all, date: string) => {
    expect(Number.isNaN(Date.parse(date)), date).toBe(false);
    return '"publishedAt": "<CreatedDate>"';
  });
}

async function ok(run: Promise<{ code: number; stderr: string }>): Promise<void> {
  const done = await run;
  expect(done.code, done.stderr).toBe(0);
}

describe('lock merge of parallel publishes', () => {
  it('equals the lock of one sequential publish', async () => {
    const root = join(scratch(), 'lock-merge');
    const zip = (name: string, content: string): Promise<LayerZip> =>
      makeLayerZip(join(root, 'dist'), name, { files: { 'python/m.py': content } });
    const alpha1 = await zip('alpha-1', 'one = 1\n');
    const alpha2 = await zip('alpha-2', 'two = 2\n');
    const beta = await zip('beta', 'beta = 1\n');
    const folders = ['base', 'job1', 'job2', 'sequential'].map((f) => join(root, f));
    const [base = '', job1 = '', job2 = '', sequential = ''] = folders;
    for (const f of folders) await mkdir(f, { recursive: true });

    // The committed lock both CI jobs start from: alpha version 1 in us-east-1.
    await ok(publish(base, [alpha1.zipPath, '--name', 'alpha', '--region', 'us-east-1']));
    for (const job of [job1, job2]) await copyFile(join(base, LOCK_FILE_NAME), join(job, LOCK_FILE_NAME));
    // Two jobs at once: new content for alpha, and a new layer beta, each in two regions.
    await Promise.all([
      ok(publish(job1, [alpha2.zipPath, '--name', 'alpha', ...REGIONS])),
      ok(publish(job2, [beta.zipPath, '--name', 'beta', ...REGIONS])),
    ]);
    const merged = await runLayerforge(
      ['lock', 'merge', join(job2, LOCK_FILE_NAME), join(job1, LOCK_FILE_NAME)],
      { cwd: root, env: {} },
    );
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).not.toContain('warning');

    // The same publishes one after the other, into a fresh moto state.
    await server().reset();
    await ok(publish(sequential, [alpha1.zipPath, '--name', 'alpha', '--region', 'us-east-1']));
    await ok(publish(sequential, [alpha2.zipPath, '--name', 'alpha', ...REGIONS]));
    await ok(publish(sequential, [beta.zipPath, '--name', 'beta', ...REGIONS]));
    const expected = await readFile(join(sequential, LOCK_FILE_NAME), 'utf8');

    expect(withoutClock(merged.stdout)).toBe(withoutClock(expected));
    // What the comparison covered: four layers-in-regions, alpha's history, accounts, inputs.
    const lock = JSON.parse(expected) as {
      lockfileVersion: number;
      layers: {
        layerName: string;
        region: string;
        layerVersion: number;
        current: boolean;
        account: string;
        inputsDigest: string;
      }[];
    };
    expect(lock.lockfileVersion).toBe(2);
    expect(
      lock.layers.map((e) => `${e.layerName}/${e.region}:${e.layerVersion}${e.current ? '*' : ''}`),
    ).toEqual([
      'alpha/eu-west-1:1*',
      'alpha/us-east-1:1',
      'alpha/us-east-1:2*',
      'beta/eu-west-1:1*',
      'beta/us-east-1:1*',
    ]);
    expect(new Set(lock.layers.map((e) => e.account))).toEqual(new Set([MOTO_ACCOUNT]));
    expect(lock.layers.map((e) => e.inputsDigest)).toEqual([
      alpha2.manifest.inputsDigest,
      alpha1.manifest.inputsDigest,
      alpha2.manifest.inputsDigest,
      beta.manifest.inputsDigest,
      beta.manifest.inputsDigest,
    ]);
  }, 120_000);
});
