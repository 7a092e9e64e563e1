import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Dispatcher } from 'undici';
import { JobFailedError, UserError, isAbortError, InterruptedError } from '../errors.js';
import { temporarySibling } from '../fs/atomic.js';
import type { EventSink } from '../events.js';
import type { ProxySettings } from '../net/proxy.js';
import type { LoadedRecipe } from '../recipes/load.js';
import type { RecipeSource } from '../recipes/schema.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function sourceFilename(source: RecipeSource): string {
  if (source.filename) return source.filename;
  if (source.path) return basename(source.path);
  return basename(new URL(source.url ?? '').pathname) || 'source';
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function mismatch(what: string, expected: string, actual: string): JobFailedError {
  return new JobFailedError(`checksum mismatch for ${what}`, {
    details: [`expected sha256 ${expected}`, `actual   sha256 ${actual}`],
    hint: 'the file is not the one the recipe was written for: check the URL, or update sha256 if the change is intended',
  });
}

/**
 * Downloads `url` to `dest`, hashing as it streams; nothing is left at `dest` unless the digest
 * matches. The request goes through `dispatcher`, which honours the job's proxy settings.
 */
async function download(
  url: string,
  dest: string,
  expected: string,
  dispatcher: Dispatcher,
  signal?: AbortSignal,
): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) {
    throw new UserError(`refusing to download ${url} over plain HTTP`, { hint: 'use an https:// URL' });
  }
  const { fetch } = await import('undici');
  const response = await fetch(url, { signal, dispatcher }).catch((cause: unknown) => {
    if (isAbortError(cause) || signal?.aborted) throw new InterruptedError();
    throw new JobFailedError(`cannot download ${url}`, {
      cause,
      hint: 'check the network (and HTTPS_PROXY, NO_PROXY behind a proxy), or pass --sources <dir> with the file for an offline build',
    });
  });
  if (!response.ok || !response.body) {
    throw new JobFailedError(`download of ${url} failed: HTTP ${response.status}`, {
      hint: 'check the URL in the recipe',
    });
  }
  const hash = createHash('sha256');
  const tmp = temporarySibling(dest);
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      new Transform({ transform: (chunk: Buffer, _e, cb) => (hash.update(chunk), cb(null, chunk)) }),
      createWriteStream(tmp),
      { signal },
    );
    const actual = hash.digest('hex');
    if (actual !== expected) throw mismatch(url, expected, actual);
    await rename(tmp, dest);
  } catch (error) {
    await rm(tmp, { force: true });
    if (signal?.aborted) throw new InterruptedError();
    throw error;
  }
}

/**
 * Puts every source of the recipe that the build's OS needs (`os`, when given, filters by the
 * source's `os` list), verified by sha256, into `stagingDir` under its file name.
 * Downloads go through a content-addressed cache; `sourcesDir` is searched first for offline builds.
 */
export async function stageSources(
  loaded: LoadedRecipe,
  stagingDir: string,
  options: {
    cacheDir: string;
    sourcesDir?: string;
    os?: string;
    /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the job's environment; default none. */
    proxy?: ProxySettings;
    sink: EventSink;
    signal?: AbortSignal;
  },
): Promise<void> {
  await mkdir(stagingDir, { recursive: true });
  // Made on the first download and closed at the end, so no idle connection outlives the build.
  let dispatcher: Dispatcher | undefined;
  try {
    for (const source of loaded.recipe.install.sources ?? []) {
      dispatcher = await stageSource(loaded, source, stagingDir, options, dispatcher);
    }
  } finally {
    await dispatcher?.close();
  }
}

/** One source into the staging folder; returns the download dispatcher, made when first needed. */
async function stageSource(
  loaded: LoadedRecipe,
  source: RecipeSource,
  stagingDir: string,
  options: Parameters<typeof stageSources>[2],
  dispatcher: Dispatcher | undefined,
): Promise<Dispatcher | undefined> {
  // A source for another OS (say, a tarball built where AL2023 lacks the package) is not fetched.
  if (options.os !== undefined && source.os && !source.os.some((os) => os === options.os)) return dispatcher;
  const name = sourceFilename(source);
  const target = join(stagingDir, name);
  if (source.path) {
    const file = join(loaded.dir, source.path);
    if (!existsSync(file)) throw new UserError(`source ${source.path} does not exist in ${loaded.dir}`);
    const actual = await sha256File(file);
    if (actual !== source.sha256) throw mismatch(file, source.sha256, actual);
    await copyFile(file, target);
    return dispatcher;
  }
  const cached = join(options.cacheDir, 'sources', source.sha256, name);
  if (!existsSync(cached)) {
    await mkdir(join(options.cacheDir, 'sources', source.sha256), { recursive: true });
    const offline = options.sourcesDir ? join(options.sourcesDir, name) : undefined;
    if (offline && existsSync(offline)) {
      const actual = await sha256File(offline);
      if (actual !== source.sha256) throw mismatch(offline, source.sha256, actual);
      await copyFile(offline, cached);
    } else {
      options.sink({ type: 'info', message: `downloading ${source.url}` });
      dispatcher ??= (await import('../net/agents.js')).proxyDispatcher(options.proxy ?? {});
      await download(source.url ?? '', cached, source.sha256, dispatcher, options.signal);
    }
  } else {
    // A cache entry is trusted only if it still has the digest it is filed under.
    const actual = await sha256File(cached);
    if (actual !== source.sha256) {
      await rm(cached, { force: true });
      throw mismatch(cached, source.sha256, actual);
    }
  }
  await link(cached, target).catch(() => copyFile(cached, target));
  return dispatcher;
}
