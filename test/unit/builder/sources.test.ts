import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sourceFilename, stageSources } from '../../../src/core/builder/sources.js';
import { JobFailedError, UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import type { RecipeSource } from '../../../src/core/recipes/schema.js';
import { startForwardProxy } from '../../support/forward-proxy.js';
import { tempDir } from '../../support/temp-dir.js';
import { loadedRecipe, makeRecipe } from './helpers.js';

const TARBALL = Buffer.from('pretend this is hello-1.0.0.tar.gz\n');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const GOOD = sha256(TARBALL);
const WRONG = '0'.repeat(64);

describe('sourceFilename', () => {
  it.each<[RecipeSource, string]>([
    [{ url: 'https://example.com/dl/hello-1.0.0.tar.gz', sha256: GOOD }, 'hello-1.0.0.tar.gz'],
    [{ url: 'https://example.com/dl/hello.tar.gz?raw=1#top', sha256: GOOD }, 'hello.tar.gz'],
    [{ url: 'https://example.com/dl/get', sha256: GOOD, filename: 'hello.tgz' }, 'hello.tgz'],
    [{ path: 'vendor/hello-1.0.0.tar.gz', sha256: GOOD }, 'hello-1.0.0.tar.gz'],
    [{ url: 'https://example.com/', sha256: GOOD }, 'source'],
  ])('%j → %s', (source, name) => {
    expect(sourceFilename(source)).toBe(name);
  });
});

let root: string;
let recipeDir: string;
let cacheDir: string;
let staging: string;
let server: Server;
let requests: string[];
let served: Buffer;
let base: string;

beforeEach(async () => {
  root = await tempDir('layerforge-sources-');
  recipeDir = join(root, 'recipe');
  cacheDir = join(root, 'cache');
  staging = join(root, 'staging');
  await mkdir(recipeDir);
  requests = [];
  served = TARBALL;
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/missing.tar.gz') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
});

function stage(sources: RecipeSource[], options: { sourcesDir?: string } = {}) {
  const recorded = recordEvents();
  const loaded = loadedRecipe(makeRecipe({ install: { sources, script: 'build.sh' } }), recipeDir);
  const run = stageSources(loaded, staging, { cacheDir, sink: recorded.sink, ...options });
  return { run, events: recorded.events };
}

describe('stageSources: a file in the recipe folder', () => {
  it('copies it into the staging folder when its sha256 matches', async () => {
    await writeFile(join(recipeDir, 'hello.tar.gz'), TARBALL);
    await stage([{ path: 'hello.tar.gz', sha256: GOOD }]).run;
    expect(await readFile(join(staging, 'hello.tar.gz'))).toEqual(TARBALL);
  });

  it('fails naming both digests when it does not', async () => {
    await writeFile(join(recipeDir, 'hello.tar.gz'), TARBALL);
    const error = await stage([{ path: 'hello.tar.gz', sha256: WRONG }]).run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(
      `checksum mismatch for ${join(recipeDir, 'hello.tar.gz')}`,
    );
    expect((error as JobFailedError).details).toEqual([
      `expected sha256 ${WRONG}`,
      `actual   sha256 ${GOOD}`,
    ]);
    expect(existsSync(join(staging, 'hello.tar.gz'))).toBe(false);
  });
});

describe('stageSources: a download', () => {
  it('downloads once into the cache; the next build is served from it without a request', async () => {
    const source = { url: `${base}/dl/hello-1.0.0.tar.gz`, sha256: GOOD };
    const first = stage([source]);
    await first.run;
    expect(requests).toEqual(['/dl/hello-1.0.0.tar.gz']);
    expect(first.events).toEqual([{ type: 'info', message: `downloading ${source.url}` }]);
    expect(await readFile(join(cacheDir, 'sources', GOOD, 'hello-1.0.0.tar.gz'))).toEqual(TARBALL);
    expect(await readFile(join(staging, 'hello-1.0.0.tar.gz'))).toEqual(TARBALL);

    await rm(staging, { recursive: true });
    const second = stage([source]);
    await second.run;
    expect(requests).toHaveLength(1);
    expect(second.events).toEqual([]);
    expect(await readFile(join(staging, 'hello-1.0.0.tar.gz'))).toEqual(TARBALL);
  });

  it('leaves nothing in the cache when the download has the wrong digest', async () => {
    served = Buffer.from('a tarball someone swapped\n');
    const error = await stage([{ url: `${base}/hello.tar.gz`, sha256: GOOD }]).run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).details).toEqual([
      `expected sha256 ${GOOD}`,
      `actual   sha256 ${sha256(served)}`,
    ]);
    expect(await readdir(join(cacheDir, 'sources', GOOD))).toEqual([]);
    expect(existsSync(join(staging, 'hello.tar.gz'))).toBe(false);
  });

  it('fails on an HTTP error status and caches nothing', async () => {
    await expect(stage([{ url: `${base}/missing.tar.gz`, sha256: GOOD }]).run).rejects.toThrow(
      /download of .*missing\.tar\.gz failed: HTTP 404/,
    );
    expect(await readdir(join(cacheDir, 'sources', GOOD))).toEqual([]);
  });

  it('refuses plain HTTP to a host other than loopback, without a request', async () => {
    // Downloads go through the proxy when one is set: this one records any request and sends none out.
    const proxy = await startForwardProxy({ loopbackOnly: true });
    // The recipe schema refuses this URL already; the download keeps its own check behind it.
    const source = { url: 'https://example.com/hello.tar.gz', sha256: GOOD };
    const loaded = loadedRecipe(
      makeRecipe({ install: { sources: [source], script: 'build.sh' } }),
      recipeDir,
    );
    for (const s of loaded.recipe.install.sources ?? []) s.url = 'http://example.com/hello.tar.gz';
    const error = await stageSources(loaded, staging, {
      cacheDir,
      sink: recordEvents().sink,
      proxy: { httpProxy: proxy.url, httpsProxy: proxy.url },
    }).catch((e: unknown) => e);
    await proxy.stop();
    expect(error).toBeInstanceOf(UserError);
    expect(error).not.toBeInstanceOf(JobFailedError);
    expect((error as UserError).message).toBe(
      'refusing to download http://example.com/hello.tar.gz over plain HTTP',
    );
    expect(proxy.calls).toEqual([]);
  });

  it('detects a cache entry whose bytes were changed, removes it, and downloads again next time', async () => {
    const source = { url: `${base}/hello.tar.gz`, sha256: GOOD };
    await stage([source]).run;
    const cached = join(cacheDir, 'sources', GOOD, 'hello.tar.gz');
    await writeFile(cached, 'tampered');
    await rm(staging, { recursive: true });

    const error = await stage([source]).run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).message).toBe(`checksum mismatch for ${cached}`);
    expect((error as JobFailedError).details[1]).toBe(`actual   sha256 ${sha256('tampered')}`);
    expect(existsSync(cached)).toBe(false);
    expect(requests).toHaveLength(1);

    await stage([source]).run;
    expect(requests).toHaveLength(2);
    expect(await readFile(cached)).toEqual(TARBALL);
  });
});

describe('stageSources: --sources for offline builds', () => {
  it('takes the file from the sources folder by name, with no request', async () => {
    const sourcesDir = join(root, 'offline');
    await mkdir(sourcesDir);
    await writeFile(join(sourcesDir, 'hello-1.0.0.tar.gz'), TARBALL);
    const run = stage([{ url: `${base}/dl/hello-1.0.0.tar.gz`, sha256: GOOD }], { sourcesDir });
    await run.run;
    expect(requests).toEqual([]);
    expect(run.events).toEqual([]);
    expect(await readFile(join(staging, 'hello-1.0.0.tar.gz'))).toEqual(TARBALL);
    expect(await readFile(join(cacheDir, 'sources', GOOD, 'hello-1.0.0.tar.gz'))).toEqual(TARBALL);
  });

  it('checks the offline file’s digest too', async () => {
    const sourcesDir = join(root, 'offline');
    await mkdir(sourcesDir);
    await writeFile(join(sourcesDir, 'hello.tar.gz'), 'not it');
    const error = await stage([{ url: `${base}/hello.tar.gz`, sha256: GOOD }], { sourcesDir }).run.catch(
      (e: unknown) => e,
    );
    expect((error as JobFailedError).message).toBe(
      `checksum mismatch for ${join(sourcesDir, 'hello.tar.gz')}`,
    );
    expect(requests).toEqual([]);
  });

  it('downloads what the sources folder does not have', async () => {
    const sourcesDir = join(root, 'offline');
    await mkdir(sourcesDir);
    await stage([{ url: `${base}/hello.tar.gz`, sha256: GOOD }], { sourcesDir }).run;
    expect(requests).toEqual(['/hello.tar.gz']);
  });
});

describe('stageSources: sources for one OS', () => {
  it('skips a source listed for other OSes, and stages one listed for the build’s OS', async () => {
    await writeFile(join(recipeDir, 'hello.tar.gz'), TARBALL);
    const recipe = makeRecipe({
      install: {
        sources: [
          { url: `${base}/al2023-only.tar.gz`, sha256: GOOD, os: ['al2023'] },
          { path: 'hello.tar.gz', sha256: GOOD, os: ['debian12', 'al2023'] },
        ],
        script: 'build.sh',
      },
    });
    await stageSources(loadedRecipe(recipe, recipeDir), staging, {
      cacheDir,
      os: 'debian12',
      sink: () => {},
    });
    expect(requests).toEqual([]);
    expect(await readdir(staging)).toEqual(['hello.tar.gz']);
  });
});

describe('stageSources behind a proxy', () => {
  it('downloads through HTTP_PROXY / HTTPS_PROXY, and directly to a host NO_PROXY names', async () => {
    const proxy = await startForwardProxy({ loopbackOnly: true });
    try {
      const source = { url: `${base}/hello.tar.gz`, sha256: GOOD };
      const loaded = loadedRecipe(
        makeRecipe({ install: { sources: [source], script: 'build.sh' } }),
        recipeDir,
      );
      const settings = { httpProxy: proxy.url, httpsProxy: proxy.url };
      await stageSources(loaded, staging, { cacheDir, sink: recordEvents().sink, proxy: settings });
      expect(proxy.calls.map((c) => c.target)).toContainEqual(
        expect.stringContaining(base.slice('http://'.length)),
      );
      expect(requests).toEqual(['/hello.tar.gz']);

      const before = proxy.calls.length;
      await rm(cacheDir, { recursive: true, force: true });
      await rm(staging, { recursive: true, force: true });
      await stageSources(loaded, staging, {
        cacheDir,
        sink: recordEvents().sink,
        proxy: { ...settings, noProxy: '127.0.0.1' },
      });
      expect(proxy.calls.length).toBe(before);
      expect(requests).toEqual(['/hello.tar.gz', '/hello.tar.gz']);
    } finally {
      await proxy.stop();
    }
  });
});
