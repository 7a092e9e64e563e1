/**
 * A zip made with Info-ZIP's `zip -r -y` from a small real layer tree, no manifest: published with
 * --runtime and --arch to moto in two regions through S3 staging, then again (reused), and a zip
 * whose x86_64 library is published for arm64 refused by the audit unless --no-audit.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLockFile } from '../../src/core/publish/lock-file.js';
import { useMotoProjects } from '../support/moto-project.js';
import { makePlainLayerZip } from '../support/plain-layer.js';
import { TEST_CREDENTIALS, summaryOf } from '../support/publish-fixtures.js';

const { server, scratch, lambda, versionsOf, publish } = useMotoProjects('lf-publish-plain');
const REGIONS = ['us-east-1', 'eu-west-1'];
const NAME = 'mytools';

let cwd: string;
let zipPath: string;
let codeSha256: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(scratch(), 'project-'));
  zipPath = await makePlainLayerZip(join(cwd, 'out'), 'my-tools', {
    files: {
      'python/mytools/__init__.py': 'from .answer import answer\n',
      'python/mytools/answer.py':
        'import ctypes\n\ndef answer():\n    return ctypes.CDLL("libanswer.so").lf_answer()\n',
      'bin/mytools': '#!/bin/sh\nexec python3 -c "import mytools; print(mytools.answer())"\n',
    },
    hostLibrary: 'lib/libanswer.so.1',
    symlinks: { 'lib/libanswer.so': 'libanswer.so.1' },
  });
  codeSha256 = createHash('sha256')
    .update(await readFile(zipPath))
    .digest('base64');
});

async function stagedKeys(bucket: string, region: string): Promise<string[]> {
  const s3 = new S3Client({
    region,
    endpoint: server().endpoint,
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
  });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('publish a zip layerforge did not build', () => {
  const args = [
    '--runtime',
    'python3.12,python3.13',
    '--arch',
    'x86_64',
    '--name',
    NAME,
    '--region',
    REGIONS.join(','),
    '--s3-bucket',
    'lf-plain-{region}',
    '--create-bucket',
    '--json',
  ];

  it('publishes it to two regions through S3, then reuses both versions', async () => {
    const first = await publish(cwd, [zipPath, ...args]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.events).toContainEqual(expect.objectContaining({ type: 'audit.done', errors: 0 }));
    const uploads = first.events.filter((e) => e.type === 'publish.upload').map((e) => e.bucket);
    expect(uploads.sort()).toEqual(['lf-plain-eu-west-1', 'lf-plain-us-east-1']);
    const summary = summaryOf(first);
    expect(summary.manifestPath).toBeNull();
    expect(summary.codeSha256).toBe(codeSha256);
    expect(summary.regions.map((r) => r.ok && !r.reused)).toEqual([true, true]);
    for (const region of REGIONS) {
      const version = await lambda(region).send(
        new GetLayerVersionCommand({ LayerName: NAME, VersionNumber: 1 }),
      );
      expect(version.Content?.CodeSha256).toBe(codeSha256);
      expect(version.CompatibleRuntimes).toEqual(['python3.12', 'python3.13']);
      expect(version.CompatibleArchitectures).toEqual(['x86_64']);
      expect(version.Description).toContain('my-tools.zip');
      expect(await stagedKeys(`lf-plain-${region}`, region)).toEqual([]);
    }

    const again = await publish(cwd, [zipPath, ...args]);
    expect(again.code, again.stderr).toBe(0);
    expect(summaryOf(again).regions).toEqual(
      REGIONS.map((region) => expect.objectContaining({ region, ok: true, reused: true, version: 1 })),
    );
    expect(again.events.some((e) => e.type === 'publish.upload')).toBe(false);
    for (const region of REGIONS) expect(await versionsOf(NAME, region)).toEqual([1]);

    const lock = await readLockFile(join(cwd, 'layerforge.lock.json'));
    const current = lock.layers.filter((l) => l.current).sort((a, b) => a.region.localeCompare(b.region));
    expect(current).toEqual(
      [...REGIONS]
        .sort()
        .map((region) =>
          expect.objectContaining({ layerName: NAME, region, recipe: null, arch: 'x86_64', codeSha256 }),
        ),
    );
  });

  it('refuses it for arm64, its library being x86_64 (exit 1), and publishes it with --no-audit', async () => {
    const arm = ['--runtime', 'python3.12', '--arch', 'arm64', '--name', `${NAME}-arm64`];
    const refused = await publish(cwd, [zipPath, ...arm, '--region', 'us-east-1', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.events).toContainEqual({
      type: 'audit.finding',
      finding: expect.objectContaining({ code: 'arch-mismatch', file: 'lib/libanswer.so.1' }),
    });
    expect(refused.stderr).toContain('not published');
    expect(await versionsOf(`${NAME}-arm64`, 'us-east-1')).toEqual([]);

    const forced = await publish(cwd, [zipPath, ...arm, '--region', 'us-east-1', '--no-audit', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await versionsOf(`${NAME}-arm64`, 'us-east-1')).toEqual([1]);
  });
});
