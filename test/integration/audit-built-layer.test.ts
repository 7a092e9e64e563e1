// The audit on a layer the container build made (issue 5): it passes, then names a library we delete.
import { execFileSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditFinding } from '../../src/core/audit/types.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('layerforge-it-audit-built-');
let work: string;
let zip: string;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  const run = await runLayerforge(['build', 'jq', '--base', 'debian12', '--json', '--out', work], {
    cwd: work,
  });
  expect(run.code, run.stderr).toBe(0);
  zip = join(work, 'jq-1.6.0-provided.al2023-x86_64.zip');
}, 600_000);

async function audit(path: string) {
  const run = await runLayerforge(
    ['audit', path, '--runtime', 'provided.al2023', '--os', 'debian12', '--json'],
    { cwd: work },
  );
  return {
    code: run.code,
    stderr: run.stderr,
    ...(JSON.parse(run.stdout) as {
      findings: AuditFinding[];
      summary: { elfFiles: number; target: { systemLibraries: string } };
    }),
  };
}

describe('audit of a built OS-package layer', () => {
  it('passes against the debian12 runtime image, whose library list is read from the image', async () => {
    const result = await audit(zip);
    expect(result.code, result.stderr).toBe(0);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.summary.elfFiles).toBe(3);
    expect(result.summary.target.systemLibraries).toMatch(/^runtime image layerforge\/debian12-runtime:/);
  }, 120_000);

  it('fails and names the library when one is deleted from the layer', async () => {
    const broken = join(work, 'jq-without-onig.zip');
    await copyFile(zip, broken);
    execFileSync('zip', ['-q', '-d', broken, 'lib/libonig.so.5']);
    const result = await audit(broken);
    expect(result.code).toBe(1);
    const missing = result.findings.filter((f) => f.code === 'missing-library');
    expect(missing.map((f) => [f.file, f.library])).toEqual([['lib/libjq.so.1', 'libonig.so.5']]);
    expect(missing[0]?.reason).toContain('libonig.so.5');
  }, 120_000);
});
