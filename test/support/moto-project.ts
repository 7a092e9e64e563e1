import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { LambdaClient, ListLayerVersionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto, type MotoServer } from './moto.js';
import {
  TEST_CREDENTIALS,
  isolateAwsProcessEnv,
  makeLayerZip,
  runLayerforge,
  testAwsEnv,
  type CliRun,
} from './publish-fixtures.js';
import { sharedTempDir } from './temp-dir.js';

/**
 * The setup every publish integration file shares: one moto server per file, reset before each
 * test, plus helpers that make a project with a layer zip, call publish, and read versions back.
 */
export function useMotoProjects(prefix: string) {
  const scratch = sharedTempDir(`${prefix}-`);
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    isolateAwsProcessEnv(scratch.path);
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto?.reset();
  });
  const server = (): MotoServer => {
    if (!moto)
      throw new Error('moto is not running: useMotoProjects() must be called at the top of the file');
    return moto;
  };

  /** A fresh project folder with one layer zip in dist/. */
  async function project(content = 'print("hello")\n') {
    const cwd = await mkdtemp(join(scratch.path, 'project-'));
    const layer = await makeLayerZip(join(cwd, 'dist'), 'pandas-2.2.3-python3.12-x86_64', {
      files: { 'python/hello.py': content, 'bin/tool': '#!/bin/sh\necho tool\n' },
      recipe: { name: 'pandas', version: '2.2.3', license: 'BSD-3-Clause' },
      runtimes: ['python3.12', 'python3.13'],
    });
    return { cwd, layer };
  }

  function lambda(region: string): LambdaClient {
    return new LambdaClient({ region, endpoint: server().endpoint, credentials: TEST_CREDENTIALS });
  }

  async function versionsOf(name: string, region = 'us-east-1'): Promise<number[]> {
    const list = await lambda(region).send(new ListLayerVersionsCommand({ LayerName: name }));
    return (list.LayerVersions ?? []).map((v) => v.Version ?? -1).sort((a, b) => a - b);
  }

  const publish = (cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    runLayerforge(['publish', ...args], { cwd, env: testAwsEnv(server().endpoint, extraEnv) });

  return { server, scratch: () => scratch.path, project, lambda, versionsOf, publish };
}
