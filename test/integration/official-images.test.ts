// Issue 13: the default `lambda` base, end to end, through the code path real users take. The
// official images cannot be pulled here, so debian12 images shaped like them (no findutils, Node's
// OpenSSL in /var/lang/lib) are tagged with AWS's per-arch names in the test engine; a present
// image is not pulled, so the build runs exactly as it would after a pull.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerManifest } from '../../src/core/layer/manifest.js';
import { requireDocker } from '../support/docker.js';
import { removeStandIns, tagStandIns, type StandInSpec } from '../support/official-stand-ins.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'recipes-official');

const STAND_INS: StandInSpec[] = [
  // provided.al2023: the runtime image is AL2023-minimal; its SAM build image adds packages with microdnf.
  { tag: 'public.ecr.aws/lambda/provided:al2023-x86_64', from: 'runtime', arch: 'x86_64', shape: 'as-is' },
  {
    tag: 'public.ecr.aws/sam/build-provided.al2023:latest-x86_64',
    from: 'build',
    arch: 'x86_64',
    shape: 'no-findutils',
  },
  // python3.11: the stand-in's Python is 3.11, so pandas' wheels load in it.
  { tag: 'public.ecr.aws/lambda/python:3.11-x86_64', from: 'runtime', arch: 'x86_64', shape: 'as-is' },
  { tag: 'public.ecr.aws/sam/build-python3.11:latest-x86_64', from: 'build', arch: 'x86_64', shape: 'as-is' },
  // nodejs22.x: Node's own OpenSSL in /var/lang/lib, first on LD_LIBRARY_PATH.
  { tag: 'public.ecr.aws/lambda/nodejs:22-x86_64', from: 'runtime', arch: 'x86_64', shape: 'node-openssl' },
  {
    tag: 'public.ecr.aws/sam/build-nodejs22.x:latest-x86_64',
    from: 'build',
    arch: 'x86_64',
    shape: 'no-findutils',
  },
  // provided.al2 for x86_64, but its runtime image is an arm64 one: what a stale or mistaken tag looks like.
  { tag: 'public.ecr.aws/lambda/provided:al2-x86_64', from: 'runtime', arch: 'arm64', shape: 'as-is' },
  {
    tag: 'public.ecr.aws/sam/build-provided.al2:latest-x86_64',
    from: 'build',
    arch: 'x86_64',
    shape: 'as-is',
  },
];

const shared = sharedTempDir('layerforge-it-official-');
let work = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  // No LAYERFORGE_BASE: the default base, AWS's images.
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: undefined };
  await tagStandIns(STAND_INS);
}, 900_000);

afterAll(async () => {
  removeStandIns(STAND_INS);
});

async function build(args: string[]) {
  const out = join(work, 'dist');
  const run = await runLayerforge(['build', ...args, '--json', '--out', out], { cwd: work, env });
  return { run, out };
}

function zipEntries(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

async function manifestOf(out: string, artifact: string): Promise<LayerManifest> {
  return JSON.parse(await readFile(join(out, `${artifact}.manifest.json`), 'utf8')) as LayerManifest;
}

const logLines = (run: Awaited<ReturnType<typeof build>>['run']) =>
  run.events.flatMap((e) => (e.type === 'build.log' ? [e.line] : []));

describe('the default lambda base, on stand-ins tagged with the official names', () => {
  it('builds hello for provided.al2023 in a find-less build image, tests it in the find-less runtime image, and pulls nothing', async () => {
    const { run, out } = await build(['hello', '--runtime', 'provided.al2023', '--test']);
    expect(run.code, run.stderr).toBe(0);
    expect(logLines(run).filter((l) => l.startsWith('pulling '))).toEqual([]);
    const manifest = await manifestOf(out, 'hello-1.0.0-provided.al2023-x86_64');
    expect(manifest).toMatchObject({ base: 'lambda', arch: 'x86_64', audit: { errors: 0 } });
    expect(manifest.images).toMatchObject({
      build: { reference: 'public.ecr.aws/sam/build-provided.al2023:latest-x86_64', arch: 'x86_64' },
      runtime: { reference: 'public.ecr.aws/lambda/provided:al2023-x86_64', arch: 'x86_64' },
    });
    // Built locally: no registry digest, and the engine's id is recorded.
    expect(manifest.images?.runtime.digest).toBeUndefined();
    expect(manifest.images?.runtime.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(zipEntries(join(out, 'hello-1.0.0-provided.al2023-x86_64.zip'))).toEqual(
      expect.arrayContaining(['bin/hello', 'lib/libgreet.so.1']),
    );
    const tests = run.events.filter((e) => e.type === 'test.result');
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.every((t) => t.type === 'test.result' && t.ok)).toBe(true);
  }, 600_000);

  it('builds pandas for python3.11 with --pull never, and its smoke tests pass in the python3.11 image', async () => {
    const { run, out } = await build(['pandas', '--runtime', 'python3.11', '--pull', 'never', '--test']);
    expect(run.code, run.stderr).toBe(0);
    const manifest = await manifestOf(out, 'pandas-2.3.3-python3.11-x86_64');
    expect(manifest).toMatchObject({ base: 'lambda', runtimes: ['python3.11'], audit: { errors: 0 } });
    expect(manifest.images?.runtime.reference).toBe('public.ecr.aws/lambda/python:3.11-x86_64');
    const tests = run.events.filter((e) => e.type === 'test.result');
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.every((t) => t.type === 'test.result' && t.ok)).toBe(true);
  }, 900_000);

  it("bundles OS-linked libssl and libcrypto for a nodejs runtime, whose /var/lang/lib holds Node's own", async () => {
    const { run, out } = await build([
      'ssl-linked',
      '--recipes',
      fixtures,
      '--runtime',
      'nodejs22.x',
      '--pull',
      'never',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const zip = join(out, 'ssl-linked-1.0.0-nodejs22.x-x86_64.zip');
    const entries = zipEntries(zip);
    expect(entries).toEqual(expect.arrayContaining(['lib/libssl.so.3', 'lib/libcrypto.so.3']));
    expect(entries.some((e) => /^lib\/_ssl\.cpython-.*\.so$/.test(e))).toBe(true);
    // Every DT_NEEDED of the layer resolves: the build's audit checked them against the image.
    expect((await manifestOf(out, 'ssl-linked-1.0.0-nodejs22.x-x86_64')).audit).toEqual({
      errors: 0,
      warnings: expect.any(Number),
    });
    expect(run.events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'shadowed-library' }));
  }, 600_000);

  it('refuses a runtime image of the other arch under the x86_64 tag, naming both arches (exit 1)', async () => {
    const { run } = await build(['hello', '--runtime', 'provided.al2', '--pull', 'never']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'public.ecr.aws/lambda/provided:al2-x86_64 is an image for arm64, but the build is for x86_64 (amd64)',
    );
  }, 120_000);

  it('--pull never with an image that is not there is bad input (exit 2), and nothing is pulled', async () => {
    const { run } = await build([
      'hello',
      '--runtime',
      'provided.al2023',
      '--arch',
      'arm64',
      '--pull',
      'never',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'public.ecr.aws/sam/build-provided.al2023:latest-arm64 is not in the Docker engine, and --pull never forbids pulling it',
    );
  }, 120_000);
});
