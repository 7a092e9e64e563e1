import { createReadStream } from 'node:fs';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isNotFoundError } from '../aws/errors.js';
import { UserError, throwIfAborted } from '../errors.js';

/** Parts of 8 MiB, two in flight: at most 16 MiB of the zip in memory whatever its size. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** The staged object's key: by layer and content, so re-staging the same zip overwrites itself. */
export function stagedKey(layerName: string, sha256: string): string {
  return `layerforge-staging/${layerName}/${sha256}.zip`;
}

/**
 * Makes sure the bucket exists in the layer's region. It is created only when the user asked
 * (--create-bucket): creating buckets silently would leave billable resources nobody chose.
 */
export async function ensureBucket(
  s3: S3Client,
  bucket: string,
  region: string,
  create: boolean,
  signal: AbortSignal,
): Promise<{ created: boolean }> {
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    if (head.BucketRegion && head.BucketRegion !== region) {
      throw new UserError(`bucket ${bucket} is in ${head.BucketRegion}, not ${region}`, {
        hint: "Lambda reads a layer zip only from a bucket in the layer's region: name one per region in --s3-bucket",
      });
    }
    return { created: false };
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
  }
  if (!create) {
    throw new UserError(`S3 bucket ${bucket} does not exist in ${region}`, {
      hint: 'create it, or pass --create-bucket to let layerforge create it',
    });
  }
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      // us-east-1 is S3's default location and rejects an explicit constraint.
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
    { abortSignal: signal },
  );
  return { created: true };
}

/** Streams the zip to S3 as a multipart upload. */
export async function stageZip(
  s3: S3Client,
  bucket: string,
  key: string,
  zipPath: string,
  signal: AbortSignal,
): Promise<void> {
  throwIfAborted(signal);
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(zipPath), ContentType: 'application/zip' },
    partSize: PART_BYTES,
    queueSize: PARTS_IN_FLIGHT,
  });
  const onAbort = () => void upload.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  throwIfAborted(signal);
}

/** Deletes the staged zip; Lambda keeps its own copy of a published layer. */
export async function removeStaged(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
