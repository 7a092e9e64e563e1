import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/core/doctor/types.js';
import { isolateAwsProcessEnv } from '../support/publish-fixtures.js';
import { runLayerforge } from './cli-harness.js';
import { tempDir } from '../support/temp-dir.js';

// doctor through the CLI, without an engine: a socket that does not exist fails the engine
// check, so the exit code is 1. The engine-backed run (exit 0) is test/integration/doctor.test.ts.

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
  isolateAwsProcessEnv(cwd);
});

const env = () => ({
  DOCKER_HOST: `unix://${join(cwd, 'no-docker.sock')}`,
  XDG_CACHE_HOME: join(cwd, 'xdg'),
  PATH: process.env.PATH,
  AWS_EC2_METADATA_DISABLED: 'true',
});

describe('layerforge doctor', () => {
  it('--json prints the report; a failed check makes the exit code 1', async () => {
    const run = await runLayerforge(['doctor', '--json'], { cwd, env: env() });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    const engine = report.checks.find((c) => c.id === 'engine');
    expect(engine).toMatchObject({
      status: 'fail',
      where: 'engine',
      summary: expect.stringContaining('no-docker.sock'),
    });
    expect(engine?.hint).toBeTruthy();
    expect(report.failures).toBeGreaterThanOrEqual(1);
    expect(report.cacheDir).toBe(join(cwd, 'xdg', 'layerforge'));
  });

  it('prints a table with each fix under its check, then the verdict', async () => {
    const run = await runLayerforge(['doctor', '--region', 'eu-west-1'], { cwd, env: env() });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+CHECK\s+WHERE\s+RESULT$/);
    const engineRow = lines.findIndex((l) => /^fail\s+engine\s+engine\s+/.test(l));
    expect(engineRow).toBeGreaterThan(0);
    expect(lines[engineRow + 1]).toMatch(/^\s+fix: /);
    expect(run.stdout).toMatch(/^ok\s+aws-region\s+AWS\s+eu-west-1$/m);
    expect(run.stdout).toMatch(/^ok\s+cache\s+this machine\s+.*xdg\/layerforge: 0\.0 MB in 0 item\(s\)/m);
    expect(lines.at(-2)).toMatch(/^\d+ check\(s\) failed, \d+ warning\(s\)$/);
  });
});
