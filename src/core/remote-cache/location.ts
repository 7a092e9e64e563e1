import { UserError } from '../errors.js';

/**
 * What a job may do with the remote cache. `read` suits untrusted jobs (a pull request from a
 * fork): they reuse what trusted jobs built and cannot plant an entry others would use.
 */
export const CACHE_MODES = ['read', 'write', 'readwrite', 'off'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** A shared cache of built layers in an S3 bucket, under a prefix. */
export interface RemoteCache {
  /** As the user wrote it, normalised: `s3://bucket/prefix`. */
  url: string;
  bucket: string;
  /** No leading or trailing slash; empty for the bucket's root. */
  prefix: string;
  mode: Exclude<CacheMode, 'off'>;
}

/** A setting with where it came from, for error messages. */
export interface FromSource<T> {
  value: T;
  from: string;
}

// S3's rules for bucket names: 3–63 lowercase letters, digits, dots and hyphens, a letter or a
// digit at each end. Names with dots work only by path, which is how the client reaches them.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` → bucket and prefix; anything else is bad input naming where it came from. */
export function parseCacheUrl(setting: FromSource<string>): { bucket: string; prefix: string; url: string } {
  const hint = 'give the cache as s3://bucket/prefix, e.g. s3://my-team-layers/layerforge';
  const match = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/.exec(setting.value.trim());
  if (!match) throw new UserError(`${setting.from} "${setting.value}" is not an s3:// URL`, { hint });
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new UserError(`${setting.from} names "${bucket}", which is not an S3 bucket name`, {
      hint: 'bucket names have 3 to 63 lowercase letters, digits, dots and hyphens',
    });
  }
  const segments = (match[2] ?? '')
    .split('/')
    .filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new UserError(`${setting.from} "${setting.value}" has an empty, "." or ".." part in its prefix`, {
      hint,
    });
  }
  const prefix = segments.join('/');
  return { bucket, prefix, url: `s3://${bucket}${prefix ? `/${prefix}` : ''}` };
}

export function parseCacheMode(setting: FromSource<string>): CacheMode {
  const mode = CACHE_MODES.find((m) => m === setting.value);
  if (!mode) {
    throw new UserError(`${setting.from} "${setting.value}" is not a cache mode`, {
      hint: `use one of ${CACHE_MODES.join(', ')}`,
    });
  }
  return mode;
}

/**
 * The remote cache a job uses, from the first URL and mode given (flag, environment, config):
 * none without a URL or with mode `off`. A mode that reads or writes without a URL is bad input:
 * a CI job that asked for a shared cache should not quietly build without one.
 */
export function remoteCacheFrom(settings: {
  url?: FromSource<string>;
  mode?: FromSource<string>;
}): RemoteCache | undefined {
  const mode = settings.mode ? parseCacheMode(settings.mode) : 'readwrite';
  if (mode === 'off') return undefined;
  if (!settings.url) {
    if (!settings.mode) return undefined;
    throw new UserError(`${settings.mode.from} is ${mode}, but no remote cache is set`, {
      hint: 'set it with --cache s3://bucket/prefix, LAYERFORGE_CACHE_URL or cache.url in layerforge.config.yaml',
    });
  }
  return { ...parseCacheUrl(settings.url), mode };
}

export const canRead = (cache: RemoteCache): boolean => cache.mode !== 'write';
export const canWrite = (cache: RemoteCache): boolean => cache.mode !== 'read';

/** The object naming the entry of `key`: written last, after the objects it points to. */
export function entryObjectKey(cache: RemoteCache, key: string): string {
  return withPrefix(cache, `entries/${key}.json`);
}

/** A zip or manifest, named by its sha256: the same name always holds the same bytes. */
export function contentObjectKey(cache: RemoteCache, sha256: string): string {
  return withPrefix(cache, `objects/sha256/${sha256}`);
}

const withPrefix = (cache: RemoteCache, key: string) => (cache.prefix ? `${cache.prefix}/${key}` : key);
