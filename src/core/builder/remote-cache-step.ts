import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.js';
import { InterruptedError } from '../errors.js';
import type { JobContext } from '../job-context.js';
import { canRead, canWrite, type RemoteCache } from '../remote-cache/location.js';
import { fetchEntry, uploadEntry } from '../remote-cache/s3-store.js';
import { commitToCache, type CacheEntry } from './cache.js';

type RemoteJob = Pick<JobContext, 'sink' | 'signal' | 'aws' | 'redactor'>;

/** What reading the remote cache gave: a hit, or the etag of an entry that was refused. */
export interface RemoteRead {
  hit: boolean;
  refusedEtag?: string;
}

/** S3 clients for the cache: the job's AWS settings (profile, region, endpoint), as publish uses them. */
async function withS3<T>(job: RemoteJob, use: (s3: S3Client) => Promise<T>): Promise<T> {
  const aws = await job.aws();
  try {
    // The job's region (AWS_REGION, the profile's); S3's default when none is set.
    return await use(aws.s3((await aws.defaultRegion()) ?? 'us-east-1'));
  } finally {
    aws.destroy();
  }
}

/** The cache is a shortcut: a failure to reach it is a warning and the build goes on without it. */
function unavailable(job: RemoteJob, cache: RemoteCache, doing: string, error: unknown): void {
  if (job.signal.aborted) throw new InterruptedError();
  const { message, hint } = describeAwsError(error, (t) => job.redactor.redact(t));
  job.sink({
    type: 'warning',
    code: 'remote-cache-unavailable',
    message: `cannot ${doing} the remote cache ${cache.url}: ${message}${hint ? ` (${hint})` : ''}`,
  });
}

/**
 * Looks the key up in the remote cache (when the mode reads) and, on a verified hit, moves the
 * entry into the local cache in one rename, as a local build would. A refused entry is reported
 * with a warning and never used.
 */
export async function readRemoteCache(
  cache: RemoteCache,
  entry: CacheEntry,
  key: string,
  job: RemoteJob,
): Promise<RemoteRead> {
  if (!canRead(cache)) return { hit: false };
  // A name `cache prune` knows as a partial entry of this process.
  const staging = join(dirname(entry.dir), `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(staging, { recursive: true });
    const lookup = await withS3(job, (s3) =>
      fetchEntry(s3, cache, key, basename(entry.zip), staging, job.signal),
    );
    if (lookup.kind === 'miss') {
      job.sink({ type: 'cache.remote.miss', key, url: cache.url });
      return { hit: false };
    }
    if (lookup.kind === 'refused') {
      job.sink({
        type: 'warning',
        code: 'remote-cache-refused',
        message: `the remote cache's entry for ${key.slice(0, 12)} in ${cache.url} is refused: ${lookup.problem}; building it here`,
      });
      return { hit: false, ...(lookup.etag ? { refusedEtag: lookup.etag } : {}) };
    }
    await commitToCache(staging, entry);
    job.sink({ type: 'cache.remote.hit', key, url: cache.url, bytes: lookup.bytes });
    return { hit: true };
  } catch (error) {
    unavailable(job, cache, 'read', error);
    return { hit: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes the local entry through to the remote cache (when the mode writes): after a build, or
 * after a local hit the remote cache lacks. A refused entry is replaced only if it is still the
 * one that was refused.
 */
export async function writeRemoteCache(
  cache: RemoteCache,
  entry: CacheEntry,
  key: string,
  read: RemoteRead | undefined,
  job: RemoteJob,
): Promise<void> {
  if (!canWrite(cache)) return;
  try {
    const replace = read?.refusedEtag ? { etag: read.refusedEtag } : undefined;
    const { outcome, bytes } = await withS3(job, (s3) =>
      uploadEntry(s3, cache, entry, key, job.signal, replace),
    );
    job.sink({ type: 'cache.remote.upload', key, url: cache.url, outcome, bytes });
  } catch (error) {
    unavailable(job, cache, 'write to', error);
  }
}
