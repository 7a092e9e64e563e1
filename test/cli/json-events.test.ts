// Under --json the commands that stream progress print JSON lines and nothing else, each one a
// member of the LayerforgeEvent union. No Docker and no AWS: the engine is a socket that does
// not exist and AWS a closed loopback port, so the runs fail fast, after their summary record.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectEventLines } from '../support/event-samples.js';
import {
  isolateAwsProcessEnv,
  makeLayerZip,
  NOWHERE,
  testAwsEnv,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const shared = sharedTempDir('lf-cli-json-');
let scratch: string;
let layer: LayerZip;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  layer = await makeLayerZip(join(scratch, 'dist'), 'hello-1.0.0-python3.12-x86_64', {
    files: { 'python/x.py': 'x = 1\n' },
  });
  env = {
    ...testAwsEnv(NOWHERE),
    DOCKER_HOST: `unix://${join(scratch, 'no-docker.sock')}`,
    LAYERFORGE_CACHE_DIR: join(scratch, 'cache'),
  };
});

const run = (args: string[]) => runLayerforge([...args, '--json'], { cwd: scratch, env });

describe('--json prints only members of the event union', () => {
  it('build of a matrix ends with matrix.summary', async () => {
    const out = await run(['build', 'hello', '--base', 'debian12', '--runtime', 'python3.11,python3.12']);
    expect(out.code).toBe(1);
    const events = expectEventLines(out.stdout);
    expect(events.at(-1)?.type).toBe('matrix.summary');
  });

  it('build of one recipe streams its steps', async () => {
    const out = await run(['build', 'hello', '--base', 'debian12']);
    expect(out.code).toBe(1);
    expect(expectEventLines(out.stdout).map((e) => e.type)).toContain('build.step.start');
  });

  it('test streams its steps', async () => {
    const out = await run(['test', 'hello', '--base', 'debian12']);
    expect(out.code).toBe(1);
    expectEventLines(out.stdout);
  });

  it('publish ends with publish.summary', async () => {
    const out = await run(['publish', layer.zipPath, '--region', 'eu-west-1']);
    expect(out.code).toBe(1);
    const events = expectEventLines(out.stdout);
    expect(events.at(-1)?.type).toBe('publish.summary');
  });
});
