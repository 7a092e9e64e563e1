// The audit's size rule: a layer folder over Lambda's 262,144,000 bytes fails with
// layer-too-large, one at the limit passes. Sparse files keep the test off the disk.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLayer } from '../../../src/core/audit/audit-layer.js';
import { resolveAuditTarget } from '../../../src/core/audit/target.js';
import type { AuditTarget } from '../../../src/core/audit/types.js';
import { tempDir } from '../../support/temp-dir.js';

const LIMIT = 262_144_000;
let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-check-size-');
});
let target: AuditTarget;
beforeAll(async () => {
  target = await resolveAuditTarget({ runtime: 'provided.al2023', arch: 'x86_64' });
});

async function layerOf(bytes: number): Promise<string> {
  const layer = join(dir, 'layer');
  await mkdir(join(layer, 'lib'), { recursive: true });
  const file = await open(join(layer, 'lib/data.dat'), 'w', 0o644);
  await file.truncate(bytes);
  await file.close();
  return layer;
}

describe('the size check', () => {
  it('fails a folder one byte over the limit', async () => {
    const { findings } = await auditLayer(await layerOf(LIMIT + 1), target);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'layer-too-large',
        file: '.',
        reason: `${LIMIT + 1} bytes unzipped, over Lambda's limit of ${LIMIT} bytes (250 MB) for a function and all its layers`,
      }),
    ]);
  });

  it('passes a folder at the limit', async () => {
    const { findings } = await auditLayer(await layerOf(LIMIT), target);
    expect(findings).toEqual([]);
  });
});
