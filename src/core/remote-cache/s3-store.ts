import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorName, httpStatusOf } from '../aws/errors.js';
import { manifestPathFor, readManifest } from '../layer/manifest.js';
import { stageZip } from '../publish/s3-staging.js';
import {
  MAX_MANIFEST_BYTES,
  MAX_RECORD_BYTES,
  manifestProblem,
  parseEntryRecord,
  type EntryRecord,
} from './entry-record.js';
import { contentObjectKey, entryObjectKey, type RemoteCache } from './location.js';

/** What the remote cache holds for a key: nothing, a verified entry, or one that was refused. */
export type RemoteLookup =
  | { kind: 'miss' }
  | { kind: 'hit'; bytes: number }
  /** `etag` is the refused entry record's: a rebuilt entry replaces exactly that one. */
  | { kind: 'refused'; problem: string; etag?: string };

/** Whether an upload wrote the entry, found one there, replaced a refused one, or lost a race. */
export type UploadOutcome = 'uploaded' | 'present' | 'replaced' | 'raced';

class Refused extends Error {}

/** A missing object: S3 says NoSuchKey for a GET, a bare 404 for a HEAD. A missing bucket is not a miss. */
function isMissingObject(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'NoSuchKey' || (httpStatusOf(error) === 404 && name !== 'NoSuchBucket');
}

/** Another writer's entry record is there (412), or a concurrent conditional write is in flight (409). */
function isLostRace(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === 412 || status === 409 || awsErrorName(error) === 'PreconditionFailed';
}

/** Streams `body` through, failing once it passes `limit` bytes; counts and hashes what passed. */
function limited(limit: number, what: string) {
  const hash = createHash('sha256');
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(new Refused(`its ${what} has more than the ${limit} bytes recorded`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

async function getObject(
  s3: S3Client,
  cache: RemoteCache,
  key: string,
  signal: AbortSignal,
): Promise<{ body: Readable; etag?: string }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: cache.bucket, Key: key }), {
    abortSignal: signal,
  });
  if (!(response.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
  return { body: response.Body, ...(response.ETag ? { etag: response.ETag } : {}) };
}

async function readSmall(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const { transform } = limited(limit, what);
  await pipeline(body, transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/** Downloads one content object into `path`, refusing it unless its size and sha256 are the record's. */
async function download(
  s3: S3Client,
  cache: RemoteCache,
  blob: { sha256: string; bytes: number },
  path: string,
  what: string,
  signal: AbortSignal,
): Promise<void> {
  let body: Readable;
  try {
    ({ body } = await getObject(s3, cache, contentObjectKey(cache, blob.sha256), signal));
  } catch (error) {
    if (isMissingObject(error)) throw new Refused(`its ${what} object is missing`);
    throw error;
  }
  const counted = limited(blob.bytes, what);
  await pipeline(body, counted.transform, createWriteStream(path), { signal });
  const { bytes, sha256 } = counted.result();
  if (bytes !== blob.bytes)
    throw new Refused(`its ${what} has ${bytes} bytes, its entry record says ${blob.bytes}`);
  if (sha256 !== blob.sha256)
    throw new Refused(`its ${what}'s sha256 is ${sha256}, its entry record says ${blob.sha256}`);
}

/**
 * Looks `key` up and, when there is an entry, downloads its zip and manifest into `dir` (named
 * `artifact` and its manifest), verified before the caller uses them: the entry record must be
 * for `key` and `artifact`, each object must have the recorded size and sha256, and the manifest
 * must be for `key` and describe that zip. Anything else is `refused`, and `dir` holds nothing
 * the caller may use. Errors other than a refusal (the network, permissions) are thrown.
 */
export async function fetchEntry(
  s3: S3Client,
  cache: RemoteCache,
  key: string,
  artifact: string,
  dir: string,
  signal: AbortSignal,
): Promise<RemoteLookup> {
  let recordObject: { body: Readable; etag?: string };
  try {
    recordObject = await getObject(s3, cache, entryObjectKey(cache, key), signal);
  } catch (error) {
    if (isMissingObject(error)) return { kind: 'miss' };
    throw error;
  }
  const etag = recordObject.etag;
  const refused = (problem: string): RemoteLookup => ({
    kind: 'refused',
    problem,
    ...(etag ? { etag } : {}),
  });
  try {
    const text = (await readSmall(recordObject.body, MAX_RECORD_BYTES, 'entry record')).toString('utf8');
    const parsed = parseEntryRecord(text, key, artifact);
    if ('problem' in parsed) return refused(parsed.problem);
    const { record } = parsed;
    if (record.manifest.bytes > MAX_MANIFEST_BYTES) return refused('its manifest is too large to be one');
    const zipPath = join(dir, artifact);
    await download(s3, cache, record.manifest, manifestPathFor(zipPath), 'manifest', signal);
    let problem: string | undefined;
    try {
      problem = manifestProblem(await readManifest(manifestPathFor(zipPath)), record);
    } catch {
      problem = 'its manifest is not one layerforge writes';
    }
    if (problem) return refused(problem);
    await download(s3, cache, record.zip, zipPath, 'zip', signal);
    return { kind: 'hit', bytes: record.zip.bytes + record.manifest.bytes };
  } catch (error) {
    if (error instanceof Refused) return refused(error.message);
    throw error;
  }
}

async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}

/**
 * Writes a local cache entry to the remote cache. The zip and manifest go first, each under its
 * sha256 (two writers of the same bytes write the same object; an object is never visible half
 * written), then the entry record, conditionally: only if there is none (`If-None-Match: *`), or,
 * to replace an entry the reader refused, only if it is still that refused record (`If-Match`).
 * A writer that loses either condition leaves the winner's whole entry in place.
 */
export async function uploadEntry(
  s3: S3Client,
  cache: RemoteCache,
  local: { zip: string; manifest: string },
  key: string,
  signal: AbortSignal,
  replace?: { etag: string },
): Promise<{ outcome: UploadOutcome; bytes: number }> {
  const recordKey = entryObjectKey(cache, key);
  if (!replace && (await exists(s3, cache, recordKey, signal))) return { outcome: 'present', bytes: 0 };
  const manifestBytes = await readFile(local.manifest);
  const manifest = {
    sha256: createHash('sha256').update(manifestBytes).digest('hex'),
    bytes: manifestBytes.length,
  };
  const zip = await sha256File(local.zip);
  const record: EntryRecord = {
    layerforgeCacheEntry: 1,
    inputsDigest: key,
    artifact: basename(local.zip),
    zip,
    manifest,
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: cache.bucket,
      Key: contentObjectKey(cache, manifest.sha256),
      Body: manifestBytes,
      ContentType: 'application/json',
    }),
    { abortSignal: signal },
  );
  await stageZip(s3, cache.bucket, contentObjectKey(cache, zip.sha256), local.zip, signal);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: cache.bucket,
        Key: recordKey,
        Body: `${JSON.stringify(record, null, 2)}\n`,
        ContentType: 'application/json',
        ...(replace ? { IfMatch: replace.etag } : { IfNoneMatch: '*' }),
      }),
      { abortSignal: signal },
    );
  } catch (error) {
    if (isLostRace(error) || (replace && isMissingObject(error))) return { outcome: 'raced', bytes: 0 };
    throw error;
  }
  return { outcome: replace ? 'replaced' : 'uploaded', bytes: zip.bytes + manifest.bytes };
}

async function exists(s3: S3Client, cache: RemoteCache, key: string, signal: AbortSignal): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: cache.bucket, Key: key }), { abortSignal: signal });
    return true;
  } catch (error) {
    if (isMissingObject(error)) return false;
    throw error;
  }
}
