// Bytecode for the target Python (issue 8): byte-reproducible, and the bytecode Python actually
// uses from a read-only /opt, as a function's cold start would.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const recipes = join(import.meta.dirname, '..', 'fixtures', 'recipes-prune');
const ZIP = 'py-bytecode-1.0.0-python3.11-x86_64.zip';
const shared = sharedTempDir('layerforge-it-bytecode-');
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' };
});

async function build(out: string, ...flags: string[]): Promise<string> {
  const run = await runLayerforge(
    ['build', 'py-bytecode', '--recipes', recipes, '--json', '--out', out, ...flags],
    {
      cwd: work,
      env,
    },
  );
  expect(run.code, run.stderr).toBe(0);
  return join(out, ZIP);
}

/** `python3 -v -c 'import msgpack.fallback'` in the runtime image the way Lambda runs a function; its import trace. */
async function importTrace(zip: string, name: string): Promise<string> {
  const layer = join(work, name);
  await mkdir(join(layer, 'opt'), { recursive: true });
  execFileSync('unzip', ['-q', zip, '-d', join(layer, 'opt')]);
  await chmod(layer, 0o755);
  const base = await resolveBase(await loadBaseImage('debian12'), getRuntime('python3.11'), 'x86_64');
  const run = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--user',
      '993:990',
      '--network',
      'none',
      '-e',
      'PYTHONPATH=/opt/python',
      '-v',
      `${join(layer, 'opt')}:/opt:ro`,
      base.runtimeImage,
      'python3',
      '-v',
      '-c',
      'import msgpack, msgpack.fallback',
    ],
    { encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stderr;
}

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
/**
 * Where Python got the code of each of the layer's modules: `-v` prints the .pyc it read in
 * quotes, or the .py it just compiled without.
 */
const codeObjects = (trace: string) =>
  [...trace.matchAll(/^# code object from '?(\/opt\/python\/[^'\n]+?)'?$/gm)].map((m) => m[1]);

describe('bytecode', () => {
  it('two --no-cache builds with bytecode on give byte-identical zips holding unchecked-hash .pyc', async () => {
    const first = await build(join(work, 'one'), '--no-cache');
    const second = await build(join(work, 'two'), '--no-cache');
    expect(await sha256(second)).toBe(await sha256(first));
    const listing = execFileSync('zipinfo', ['-1', first], { encoding: 'utf8' });
    expect(listing).toMatch(/^python\/msgpack\/__pycache__\/fallback\.cpython-311\.pyc$/m);
    // PEP 552 header: flags word 0b01 = hash-based, check_source off.
    const pyc = execFileSync('unzip', ['-p', first, 'python/msgpack/__pycache__/fallback.cpython-311.pyc']);
    expect(pyc.readUInt32LE(4)).toBe(1);
  }, 600_000);

  it('Python uses the shipped bytecode from a read-only /opt and compiles none of the layer', async () => {
    const trace = await importTrace(await build(join(work, 'one')), 'pyc');
    const loaded = codeObjects(trace);
    expect(loaded).toEqual([
      '/opt/python/msgpack/__pycache__/__init__.cpython-311.pyc',
      '/opt/python/msgpack/__pycache__/exceptions.cpython-311.pyc',
      '/opt/python/msgpack/__pycache__/ext.cpython-311.pyc',
      '/opt/python/msgpack/__pycache__/fallback.cpython-311.pyc',
    ]);
    expect(trace).toMatch(
      /^# \/opt\/python\/msgpack\/__pycache__\/fallback\.cpython-311\.pyc matches \/opt\/python\/msgpack\/fallback\.py$/m,
    );
    expect(trace).not.toMatch(/could not create/);
  }, 600_000);

  it('without bytecode the same check sees every module compiled from source at import', async () => {
    const trace = await importTrace(await build(join(work, 'none'), '--bytecode', 'none'), 'none');
    expect(codeObjects(trace)).toEqual([
      '/opt/python/msgpack/__init__.py',
      '/opt/python/msgpack/exceptions.py',
      '/opt/python/msgpack/ext.py',
      '/opt/python/msgpack/fallback.py',
    ]);
    // …and Python failed to cache them: /opt is read-only, so this happens at every cold start.
    expect(trace).toMatch(/could not create '\/opt\/python\/msgpack\/__pycache__'/);
  }, 600_000);

  it('pyc-only ships bytecode in place of the sources, and imports it without them', async () => {
    const zip = await build(join(work, 'only'), '--bytecode', 'pyc-only');
    const listing = execFileSync('zipinfo', ['-1', zip], { encoding: 'utf8' });
    expect(listing).toMatch(/^python\/msgpack\/fallback\.pyc$/m);
    expect(listing).not.toMatch(/^python\/msgpack\/fallback\.py$/m);
    expect(listing).not.toMatch(/__pycache__/);
    expect(codeObjects(await importTrace(zip, 'only'))).toEqual([
      '/opt/python/msgpack/__init__.pyc',
      '/opt/python/msgpack/exceptions.pyc',
      '/opt/python/msgpack/ext.pyc',
      '/opt/python/msgpack/fallback.pyc',
    ]);
  }, 600_000);
});
