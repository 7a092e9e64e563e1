import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck, DoctorReport } from '../../src/core/doctor/types.js';
import { requireDocker } from '../support/docker.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { NOWHERE, TEST_CREDENTIALS, isolateAwsProcessEnv, testAwsEnv } from '../support/publish-fixtures.js';
import { testEmulator } from '../support/rie.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';

// doctor against the real parts: the machine's Docker engine (an arm64 container really runs
// under QEMU), AWS's emulator found on PATH as invoke finds it, and moto's Lambda for --online.

let work = '';
let moto: MotoServer | undefined;
let path = '';

beforeAll(async () => {
  requireDocker();
  work = await mkdtemp(join(tmpdir(), 'lf-it-doctor-'));
  isolateAwsProcessEnv(work);
  moto = await startMoto();
  // An arm64 image for doctor to run: the arm64 stand-in (built by .ci/run and the arm64 tests;
  // reused when the engine has it).
  const base = await runLayerforge(['base', 'build', 'debian12', '--arch', 'arm64'], { cwd: work });
  expect(base.code, base.stderr).toBe(0);
  const emulators = [await testEmulator('x86_64'), await testEmulator('arm64')];
  path = [...emulators.map((e) => dirname(e.path)), process.env.PATH ?? ''].join(delimiter);
}, 900_000);
afterAll(async () => {
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function check(report: DoctorReport, id: string): DoctorCheck | undefined {
  return report.checks.find((c) => c.id === id);
}

describe('layerforge doctor on this machine', () => {
  it('passes with the engine, arm64, the emulators and AWS (--online, against moto) all there', async () => {
    const env = {
      ...testAwsEnv(moto?.endpoint ?? ''),
      PATH: path,
      XDG_CACHE_HOME: join(work, 'xdg'),
      LAYERFORGE_RIE: '',
    };
    const run = await runLayerforge(['doctor', '--online', '--region', 'us-east-1', '--json'], {
      cwd: work,
      env,
    });
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.failures, JSON.stringify(report.checks, null, 2)).toBe(0);
    expect(run.code).toBe(0);
    // The engine's own API version, read independently through the docker CLI.
    const api = execFileSync('docker', ['version', '--format', '{{.Server.APIVersion}}'], {
      encoding: 'utf8',
    }).trim();
    expect(check(report, 'engine')).toMatchObject({
      status: 'ok',
      summary: expect.stringContaining(`, API ${api}, linux/`),
    });
    expect(check(report, 'arm64-engine')).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^ran `uname -m` in layerforge\/\S+-arm64: aarch64$/),
    });
    for (const arch of ['x86_64', 'arm64']) {
      expect(check(report, `emulator-${arch}`)).toMatchObject({
        status: 'ok',
        summary: expect.stringMatching(new RegExp(`aws-lambda-rie \\(static, ${arch}\\)$`)),
      });
    }
    expect(check(report, 'aws-credentials')).toMatchObject({
      status: 'ok',
      summary: 'resolved from the environment (AWS_ACCESS_KEY_ID)',
    });
    expect(check(report, 'aws-lambda')).toMatchObject({
      status: 'ok',
      summary: 'Lambda answered ListLayers in us-east-1; no layers yet',
    });
    expect(check(report, 'cache')).toMatchObject({
      status: 'ok',
      summary: expect.stringContaining(join(work, 'xdg', 'layerforge')),
    });
    // doctor's container is gone.
    expect(
      execFileSync('docker', ['ps', '-aq', '--filter', 'label=dev.layerforge.purpose=doctor'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('');
  });

  it('fails (exit 1) when the one Lambda call fails, and says so without the secret', async () => {
    // Everything else as above; Lambda's endpoint is a loopback port nothing listens on.
    const env: NodeJS.ProcessEnv = { ...testAwsEnv(NOWHERE), PATH: path, XDG_CACHE_HOME: join(work, 'xdg') };
    const run = await runLayerforge(['doctor', '--online', '--region', 'us-east-1', '--json'], {
      cwd: work,
      env,
    });
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(run.code).toBe(1);
    expect(check(report, 'aws-lambda')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^ListLayers in us-east-1: /),
    });
    expect(run.stdout + run.stderr).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  });
});
