// `--runtime a,b` and `--arch x86_64,arm64` are never cut down to their first value in silence:
// `test` tests each cell, `publish <recipe>` and `pick` refuse with exit 2 and a hint. No engine
// and no AWS: the engine is a socket that does not exist and AWS a closed loopback port.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MatrixCellResult } from '../../src/core/builder/matrix.js';
import { isolateAwsProcessEnv, NOWHERE, testAwsEnv } from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const shared = sharedTempDir('lf-cli-targets-');
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  env = {
    ...testAwsEnv(NOWHERE),
    DOCKER_HOST: `unix://${join(scratch, 'no-docker.sock')}`,
    LAYERFORGE_CACHE_DIR: join(scratch, 'cache'),
  };
});

const run = (args: string[]) => runLayerforge(args, { cwd: scratch, env });

describe('test with several runtimes or archs runs each cell', () => {
  it.each([
    [
      ['--runtime', 'provided.al2023,python3.11'],
      ['hello@1.0.0/provided.al2023/x86_64', 'hello@1.0.0/python3.11/x86_64'],
    ],
    [
      ['--arch', 'x86_64,arm64'],
      ['hello@1.0.0/provided.al2023/x86_64', 'hello@1.0.0/provided.al2023/arm64'],
    ],
  ])('%j', async (flags, cells) => {
    const out = await run(['test', 'hello', '--base', 'debian12', ...flags, '--json']);
    // No engine here, so every cell fails; what matters is that each one was tried.
    expect(out.code).toBe(1);
    const summary = out.events.at(-1) as { type: string; cells: MatrixCellResult[] };
    expect(summary.type).toBe('matrix.summary');
    expect(summary.cells.map((c) => `${c.recipe}/${c.runtime}/${c.arch}`)).toEqual(cells);
  });
});

describe('commands that take one runtime and arch refuse several', () => {
  it.each([
    [
      ['publish', 'hello', '--region', 'eu-west-1', '--runtime', 'provided.al2023,python3.11'],
      'publish hello takes one --runtime, got 2: provided.al2023, python3.11',
    ],
    [
      ['publish', 'hello', '--region', 'eu-west-1', '--arch', 'x86_64', '--arch', 'arm64'],
      'publish hello takes one --arch, got 2: x86_64, arm64',
    ],
    [
      ['pick', '--runtime', 'python3.11,python3.12'],
      'pick takes one --runtime, got 2: python3.11, python3.12',
    ],
    [['pick', '--arch', 'x86_64,arm64'], 'pick takes one --arch, got 2: x86_64, arm64'],
  ])('%j exits 2', async (argv, message) => {
    const out = await run(argv);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nhint: `),
    );
  });
});
