// The remote cache's settings: --cache and --cache-mode, then LAYERFORGE_CACHE_URL and
// LAYERFORGE_CACHE_MODE, then `cache` in layerforge.config.yaml; --no-cache stays what it was.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildOptions, buildOptionsFrom } from '../../src/commands/build-options.js';
import type { CommandContext } from '../../src/commands/command.js';
import { optionValues } from '../../src/commands/options.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir('layerforge-remote-cache-options-');
});

const ctx = (env: NodeJS.ProcessEnv = {}): CommandContext =>
  ({
    cwd,
    env,
    json: false,
    isTTY: false,
    signal: new AbortController().signal,
  }) as unknown as CommandContext;
const config = (text: string) => writeFile(join(cwd, 'layerforge.config.yaml'), text);
const settings = async (parsed: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
  const options = await buildOptionsFrom('hello', optionValues(buildOptions, parsed), ctx(env));
  return { remote: options.remoteCache, noCache: options.noCache };
};

describe('the remote cache setting', () => {
  it('is off unless a URL is given', async () => {
    expect(await settings({})).toEqual({ remote: undefined, noCache: false });
  });

  it('comes from --cache, then the environment, then the config file', async () => {
    await config('cache:\n  url: s3://from-config/x\n  mode: read\n');
    expect((await settings({})).remote).toEqual({
      url: 's3://from-config/x',
      bucket: 'from-config',
      prefix: 'x',
      mode: 'read',
    });
    const env = { LAYERFORGE_CACHE_URL: 's3://from-env/y', LAYERFORGE_CACHE_MODE: 'write' };
    expect((await settings({}, env)).remote).toMatchObject({ url: 's3://from-env/y', mode: 'write' });
    expect((await settings({ cache: 's3://from-flag/z', cacheMode: 'readwrite' }, env)).remote).toMatchObject(
      {
        url: 's3://from-flag/z',
        mode: 'readwrite',
      },
    );
  });

  it('--no-cache still means rebuild, and keeps a cache set elsewhere for writing', async () => {
    expect(await settings({ cache: false }, { LAYERFORGE_CACHE_URL: 's3://from-env/y' })).toEqual({
      remote: expect.objectContaining({ url: 's3://from-env/y', mode: 'readwrite' }),
      noCache: true,
    });
  });

  it('--cache-mode off turns a configured cache off', async () => {
    await config('cache:\n  url: s3://from-config/x\n');
    expect((await settings({ cacheMode: 'off' })).remote).toBeUndefined();
  });
});

describe('bad remote cache settings are bad input (exit 2)', () => {
  it('a URL that is not s3://', async () => {
    const run = await runLayerforge(['build', 'hello', '--cache', 'https://bucket/x'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --cache "https:\/\/bucket\/x" is not an s3:\/\/ URL\n/);
  });

  it('a mode outside the choices', async () => {
    const run = await runLayerforge(['build', 'hello', '--cache', 's3://bucket-1/x', '--cache-mode', 'rw'], {
      cwd,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('read, write, readwrite, off');
  });

  it('a config file with a wrong cache entry, at its line and column', async () => {
    await config('cache:\n  url: https://bucket/x\n');
    const run = await runLayerforge(['build', 'hello'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('layerforge.config.yaml:2:');
    expect(run.stderr).toContain('expected s3://bucket/prefix');
  });
});
