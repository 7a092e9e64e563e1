// Faults on the real engine (issue 3: d, e, plus timeout, unreachable engine and leftovers).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { containersWithLabel, requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir } from '../support/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const shared = sharedTempDir('layerforge-it-faults-');
let work: string;
let recipes: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  recipes = join(work, 'recipes');
  await cp(join(repo, 'test', 'fixtures', 'recipes-build'), recipes, { recursive: true });
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' };
});

async function filesUnder(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir, { recursive: true })).map(String) : [];
}

describe('build faults', () => {
  it('(d) refuses a source whose sha256 does not match, naming both digests, and writes nothing', async () => {
    const out = join(work, 'd');
    const run = await runLayerforge(
      [
        'build',
        'bad-checksum',
        '--recipes',
        recipes,
        // The recipe's URL is on loopback; the file itself comes from --sources.
        '--allow-local-sources',
        '--sources',
        join(repo, 'recipes', 'hello'),
        '--out',
        out,
      ],
      { cwd: work, env },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('checksum mismatch');
    expect(run.stderr).toContain(
      'expected sha256 0000000000000000000000000000000000000000000000000000000000000000',
    );
    expect(run.stderr).toContain(
      'actual   sha256 364306f957139837eb43152586f483dad6887f4f32d313fd5d03ab784e1846b0',
    );
    expect(await filesUnder(out)).toEqual([]);
    expect(await filesUnder(join(work, 'cache', 'builds'))).toEqual([]);
  }, 600_000);

  it('(e) SIGINT mid-build removes the container, leaves no zip and no cache entry, and exits 130', async () => {
    const out = join(work, 'e');
    const child = spawn(
      process.execPath,
      [join(repo, 'bin', 'layerforge.js'), 'build', 'slow', '--recipes', recipes, '--out', out],
      {
        cwd: work,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('slow build started')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await started;
    const label = `dev.layerforge.pid=${child.pid}`;
    expect(containersWithLabel(label)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted');
    expect(containersWithLabel(label)).toEqual([]);
    expect(await filesUnder(out)).toEqual([]);
    expect((await filesUnder(join(work, 'cache', 'builds'))).filter((f) => !f.startsWith('.'))).toEqual([]);
  }, 600_000);

  it('stops a build that exceeds the recipe timeout, with exit 1 and no container left', async () => {
    const run = await runLayerforge(['build', 'timeout', '--recipes', recipes, '--out', join(work, 't')], {
      cwd: work,
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('exceeded its timeout of 0.05 minutes');
    expect(containersWithLabel(`dev.layerforge.pid=${process.pid}`)).toEqual([]);
    expect(await filesUnder(join(work, 't'))).toEqual([]);
  }, 600_000);

  it('an unreachable engine is a clear error with exit 1', async () => {
    const run = await runLayerforge(['build', 'hello', '--out', join(work, 'u')], {
      cwd: work,
      env: { ...env, DOCKER_HOST: `unix://${join(work, 'no-engine.sock')}` },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach the Docker engine at unix://');
    expect(run.stderr).toMatch(/^hint: start it/m);
  }, 60_000);

  it('removes containers left by a killed run at the next start', async () => {
    const image =
      execFileSync('docker', ['images', '-q', 'layerforge/debian12-runtime'], { encoding: 'utf8' }).split(
        '\n',
      )[0] ?? '';
    expect(image).not.toBe('');
    // A pid far above the default pid_max: no live process has it.
    const leftover = execFileSync(
      'docker',
      [
        'create',
        '--label',
        'dev.layerforge.managed=true',
        '--label',
        'dev.layerforge.pid=99999999',
        '--label',
        `dev.layerforge.host=${hostname()}`,
        image,
        'true',
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(containersWithLabel('dev.layerforge.pid=99999999')).toHaveLength(1);
    const run = await runLayerforge(['build', 'hello', '--out', join(work, 'l')], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(containersWithLabel('dev.layerforge.pid=99999999')).toEqual([]);
    expect(leftover).toMatch(/^[0-9a-f]{64}$/);
  }, 600_000);
});
