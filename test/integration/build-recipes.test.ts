// Builds real layers on the real Docker engine with the debian12 stand-in base (issue 3: a, b, c, f, g).
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../src/core/builder/build-layer.js';
import { DockerEngine } from '../../src/core/engine/docker-engine.js';
import type { ContainerSpec } from '../../src/core/engine/container-engine.js';
import { recordEvents } from '../../src/core/events.js';
import { requireDocker } from '../support/docker.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { testJob } from '../support/job-context.js';
import { sharedTempDir } from '../support/temp-dir.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'recipes-build');

/** A real engine that counts the containers it starts. */
class CountingEngine extends DockerEngine {
  started: string[] = [];
  override runContainer(spec: ContainerSpec, onLine: (line: string) => void, signal?: AbortSignal) {
    this.started.push(spec.image);
    return super.runContainer(spec, onLine, signal);
  }
}

const shared = sharedTempDir('layerforge-it-build-');
let work: string;
let env: NodeJS.ProcessEnv;
let server: Server;
let recipes: string;

beforeAll(async () => {
  requireDocker();
  work = shared.path;
  env = { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' };
  server = createServer((req, res) => {
    if (req.url !== '/hello-1.0.0.tar.gz') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/gzip' });
    createReadStream(join(repo, 'recipes', 'hello', 'hello-1.0.0.tar.gz')).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  recipes = join(work, 'recipes');
  await cp(fixtures, recipes, { recursive: true });
  const file = join(recipes, 'hello-http', 'recipe.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replaceAll('PORT', String(port)));
});

afterAll(async () => {
  server?.close();
});

describe('layerforge build on a real engine', () => {
  it('(a) compiles hello from a tarball fetched over loopback HTTP, verified by sha256, and runs it from the layer', async () => {
    const run = await runLayerforge(
      [
        'build',
        'hello-http',
        '--recipes',
        recipes,
        '--allow-local-sources',
        '--test',
        '--json',
        '--out',
        join(work, 'a'),
      ],
      { cwd: work, env },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = run.events.filter((e) => e.type === 'test.result');
    expect(results).toEqual([
      expect.objectContaining({ type: 'test.result', ok: true, command: 'hello http' }),
    ]);
    const zip = join(work, 'a', 'hello-http-1.0.0-provided.al2023-x86_64.zip');
    // Independent reader: Info-ZIP sees the program, the library and its symlink chain.
    const listing = execFileSync('zipinfo', [zip], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwxr-xr-x .* bin\/hello$/m);
    expect(listing).toMatch(/^lrwxrwxrwx .* lib\/libgreet\.so\.1$/m);
    // And the downloaded source sits in the content-addressed cache under its digest.
    const cached = await readdir(join(work, 'cache', 'sources'));
    expect(cached).toEqual(['364306f957139837eb43152586f483dad6887f4f32d313fd5d03ab784e1846b0']);
  }, 600_000);

  it('(b) installs a native wheel for the target runtime and imports its compiled extension', async () => {
    const run = await runLayerforge(
      ['build', 'py-native', '--recipes', recipes, '--test', '--json', '--out', join(work, 'b')],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const listing = execFileSync(
      'zipinfo',
      ['-1', join(work, 'b', 'py-native-1.0.0-python3.11-x86_64.zip')],
      { encoding: 'utf8' },
    );
    expect(listing).toMatch(/^python\/msgpack\/_cmsgpack\.cpython-311-x86_64-linux-gnu\.so$/m);
    // The wheel's metadata is kept: importlib.metadata needs it.
    expect(listing).toMatch(/^python\/msgpack-1\.1\.0\.dist-info\/METADATA$/m);
    expect(run.events.filter((e) => e.type === 'test.result' && e.ok)).toHaveLength(1);
  }, 600_000);

  it('(c) exports an OS package with its library closure; it runs in the runtime image with only the layer added', async () => {
    const run = await runLayerforge(['build', 'jq', '--test', '--json', '--out', join(work, 'c')], {
      cwd: work,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const listing = execFileSync('zipinfo', ['-1', join(work, 'c', 'jq-1.6.0-provided.al2023-x86_64.zip')], {
      encoding: 'utf8',
    });
    // jq's own libraries are absent from the runtime image, so they travel in the layer…
    expect(listing).toMatch(/^lib\/libjq\.so\.1$/m);
    expect(listing).toMatch(/^lib\/libonig\.so\.5$/m);
    // …while glibc, which the runtime image provides, does not.
    expect(listing).not.toMatch(/^lib\/libc\.so\.6$/m);
    expect(run.events).toContainEqual(expect.objectContaining({ type: 'test.result', ok: true }));
  }, 600_000);

  it('(f) a second build is a cache hit and starts no container', async () => {
    const engine = new CountingEngine();
    const options = { recipe: 'hello', base: 'debian12', outDir: join(work, 'f') };
    const job = { cwd: work, env: { ...process.env, ...env }, engine };
    const first = await buildLayer(options, testJob({ ...job, sink: recordEvents().sink }));
    expect(engine.started.length).toBeGreaterThan(0);
    engine.started = [];
    const events = recordEvents();
    const second = await buildLayer(options, testJob({ ...job, sink: events.sink }));
    expect(second.cached).toBe(true);
    expect(engine.started).toEqual([]);
    expect(events.events).toContainEqual(expect.objectContaining({ type: 'build.cache', hit: true }));
    expect(second.manifest.zip.sha256).toBe(first.manifest.zip.sha256);
  }, 600_000);

  it('(g) two builds with --no-cache give byte-identical zips', async () => {
    const sha = async (dir: string) => {
      const run = await runLayerforge(['build', 'hello', '--no-cache', '--json', '--out', dir], {
        cwd: work,
        env,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.events).toContainEqual(expect.objectContaining({ type: 'build.cache', hit: false }));
      return execFileSync('sha256sum', [join(dir, 'hello-1.0.0-provided.al2023-x86_64.zip')], {
        encoding: 'utf8',
      }).split(' ')[0];
    };
    const first = await sha(join(work, 'g1'));
    const second = await sha(join(work, 'g2'));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  }, 600_000);
});
