import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  canRead,
  canWrite,
  contentObjectKey,
  entryObjectKey,
  parseCacheMode,
  parseCacheUrl,
  remoteCacheFrom,
} from '../../../src/core/remote-cache/location.js';

const flag = (value: string) => ({ value, from: '--cache' });

describe('the remote cache URL', () => {
  it('takes a bucket and a prefix, dropping the slashes around the prefix', () => {
    expect(parseCacheUrl(flag('s3://team-layers/ci/layerforge/'))).toEqual({
      bucket: 'team-layers',
      prefix: 'ci/layerforge',
      url: 's3://team-layers/ci/layerforge',
    });
    expect(parseCacheUrl(flag('s3://team.layers'))).toEqual({
      bucket: 'team.layers',
      prefix: '',
      url: 's3://team.layers',
    });
  });

  it.each([
    ['another scheme', 'https://team-layers/ci', 'is not an s3:// URL'],
    ['no bucket', 's3:///ci', 'is not an S3 bucket name'],
    ['an upper-case bucket', 's3://Team-Layers/ci', 'is not an S3 bucket name'],
    ['a bucket of two characters', 's3://ab/ci', 'is not an S3 bucket name'],
    ['a query', 's3://team-layers/ci?x=1', 'is not an s3:// URL'],
    ['an empty part', 's3://team-layers/ci//x', 'has an empty, "." or ".." part'],
    ['a ".." part', 's3://team-layers/ci/../other', 'has an empty, "." or ".." part'],
  ])('refuses %s as bad input naming where it came from', (_what, url, message) => {
    let error: unknown;
    try {
      parseCacheUrl({ value: url, from: 'LAYERFORGE_CACHE_URL' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('LAYERFORGE_CACHE_URL');
    expect((error as UserError).message).toContain(message);
  });

  it('names an entry record by the key and objects by their sha256, under the prefix', () => {
    const cache = { ...parseCacheUrl(flag('s3://team-layers/ci')), mode: 'readwrite' as const };
    expect(entryObjectKey(cache, 'k'.repeat(64))).toBe(`ci/entries/${'k'.repeat(64)}.json`);
    expect(contentObjectKey(cache, 'a'.repeat(64))).toBe(`ci/objects/sha256/${'a'.repeat(64)}`);
    const root = { ...parseCacheUrl(flag('s3://team-layers')), mode: 'readwrite' as const };
    expect(entryObjectKey(root, 'k')).toBe('entries/k.json');
  });
});

describe('the remote cache mode', () => {
  it('reads and writes as its name says', () => {
    const at = (mode: 'read' | 'write' | 'readwrite') => ({
      url: 's3://b-1',
      bucket: 'b-1',
      prefix: '',
      mode,
    });
    expect([canRead(at('read')), canWrite(at('read'))]).toEqual([true, false]);
    expect([canRead(at('write')), canWrite(at('write'))]).toEqual([false, true]);
    expect([canRead(at('readwrite')), canWrite(at('readwrite'))]).toEqual([true, true]);
  });

  it('refuses an unknown mode with the choices', () => {
    expect(() => parseCacheMode({ value: 'rw', from: '--cache-mode' })).toThrow(
      /--cache-mode "rw" is not a cache mode/,
    );
  });

  it('is readwrite by default, and off means no remote cache', () => {
    expect(remoteCacheFrom({ url: flag('s3://team-layers/ci') })?.mode).toBe('readwrite');
    expect(
      remoteCacheFrom({ url: flag('s3://team-layers/ci'), mode: { value: 'off', from: '--cache-mode' } }),
    ).toBeUndefined();
    expect(remoteCacheFrom({})).toBeUndefined();
    expect(remoteCacheFrom({ mode: { value: 'off', from: 'LAYERFORGE_CACHE_MODE' } })).toBeUndefined();
  });

  it('refuses a mode that reads or writes when no cache is set: a CI job asked for one', () => {
    expect(() => remoteCacheFrom({ mode: { value: 'read', from: '--cache-mode' } })).toThrow(
      /--cache-mode is read, but no remote cache is set/,
    );
  });
});
