import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/core/aws/clients.js';
import { runDoctor } from '../../../src/core/doctor/run-doctor.js';
import type { DoctorReport, HostFacts } from '../../../src/core/doctor/types.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { testJob } from '../../support/job-context.js';
import { NOWHERE, TEST_CREDENTIALS, isolateAwsProcessEnv } from '../../support/publish-fixtures.js';

let scratch = '';
let host: HostFacts;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lf-doctor-'));
  isolateAwsProcessEnv(scratch);
  await mkdir(join(scratch, 'binfmt'));
  host = {
    platform: 'linux',
    arch: 'x64',
    kernelRelease: 'k',
    uid: 1000,
    nodeVersion: '20.19.0',
    binfmtDir: join(scratch, 'binfmt'),
  };
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function job(env: NodeJS.ProcessEnv, engine = new FakeEngine()) {
  return testJob({
    cwd: scratch,
    env: { XDG_CACHE_HOME: join(scratch, 'xdg'), ...env },
    engine,
    aws: (options) => Promise.resolve(createAwsClients({ ...options, env })),
  });
}

const byId = (report: DoctorReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

describe('runDoctor', () => {
  it('reports every check in a fixed order, with where it looked', async () => {
    const report = await runDoctor({ online: false, host }, job({ PATH: '' }));
    expect(report.checks.map((c) => [c.id, c.where])).toEqual([
      ['node', 'host'],
      ['engine', 'engine'],
      ['arm64-engine', 'engine'],
      ['arm64-host', 'host'],
      ['debootstrap', 'host'],
      ['root', 'host'],
      ['emulator-x86_64', 'host'],
      ['emulator-arm64', 'host'],
      ['aws-region', 'aws'],
      ['aws-credentials', 'aws'],
      ['cache', 'host'],
    ]);
    expect(report.cacheDir).toBe(join(scratch, 'xdg', 'layerforge'));
    const checks = byId(report);
    // Missing parts are warnings with their fix, not failures: nothing is broken.
    expect(report.failures).toBe(0);
    expect(checks.node).toMatchObject({ status: 'warn', hint: 'use Node 22 or 24' });
    expect(checks.root).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/not root and no sudo/),
    });
    expect(checks['emulator-arm64']).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/GOARCH=arm64 go install/),
    });
    expect(checks['aws-credentials']).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^no AWS credentials found/),
    });
    expect(checks.cache).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^.*xdg\/layerforge: 0\.0 MB in 0 item\(s\)/),
    });
  });

  it('finds sudo on PATH and the emulator where invoke looks, and resolves AWS without calling it', async () => {
    const bin = join(scratch, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'sudo'), '#!/bin/sh\n');
    await chmod(join(bin, 'sudo'), 0o755);
    await writeFile(join(scratch, 'not-elf'), 'hello');
    const env = {
      PATH: bin,
      LAYERFORGE_RIE: join(scratch, 'not-elf'),
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      // Offline means no call: an endpoint nothing listens on changes nothing.
      AWS_ENDPOINT_URL: NOWHERE,
    };
    const checks = byId(await runDoctor({ online: false, host }, job(env)));
    expect(checks.root).toMatchObject({
      status: 'ok',
      summary: `not root; ${join(bin, 'sudo')} can run the one build that needs it`,
    });
    expect(checks['emulator-x86_64']).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/not-elf cannot be used: not a Linux ELF binary/),
    });
    expect(checks['aws-region']).toMatchObject({ status: 'ok', summary: 'eu-west-1' });
    expect(checks['aws-credentials']).toMatchObject({
      status: 'ok',
      summary: 'resolved from the environment (AWS_ACCESS_KEY_ID)',
    });
    expect(checks['aws-lambda']).toBeUndefined();
  });

  it('--online makes the Lambda call, and a failed call fails the report', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: NOWHERE,
    };
    const report = await runDoctor({ online: true, region: 'us-west-2', aws: {}, host }, job(env));
    expect(byId(report)['aws-lambda']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^ListLayers in us-west-2: /),
    });
    expect(report.failures).toBe(1);
    expect(JSON.stringify(report)).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  });

  it('an engine that does not answer fails the report', async () => {
    const engine = new FakeEngine('unix:///nowhere.sock');
    engine.unreachable = true;
    const report = await runDoctor({ online: false, host }, job({}, engine));
    expect(byId(report).engine).toMatchObject({ status: 'fail' });
    expect(report.failures).toBe(1);
  });
});
