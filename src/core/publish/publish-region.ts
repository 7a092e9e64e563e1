import { readFile } from 'node:fs/promises';
import type { PublishLayerVersionCommandInput } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws/clients.js';
import { describeAwsError, isNotFoundError } from '../aws/errors.js';
import { InterruptedError, UserError, isAbortError } from '../errors.js';
import type { EventSink } from '../events.js';
import { findVersionByContent } from './find-version.js';
import { publishVersionOnce } from './publish-version.js';
import { ensureBucket, removeStaged, stageZip, stagedKey } from './s3-staging.js';
import { shareLayerVersion, type LayerGrant } from './sharing.js';
import type { RegionOutcome, RegionSuccess } from './types.js';

/** Everything one region's publish needs; built once by publishLayer. */
export interface RegionJob {
  region: string;
  layerName: string;
  zipPath: string;
  digest: { sha256: string; codeSha256: string; bytes: number };
  /** Description, runtimes, architectures, license. */
  metadata: Omit<PublishLayerVersionCommandInput, 'LayerName' | 'Content'>;
  /** Set when the zip goes through S3. */
  bucket?: string;
  createBucket: boolean;
  keepStaged: boolean;
  grants: LayerGrant[];
  retry: { attempts: number; baseDelayMs: number };
}

type Staged = NonNullable<RegionSuccess['staged']>;

/**
 * Publishes one region: reuse a version with the same content, or stage (if needed) and publish;
 * then share. Failures become a RegionFailure so the other regions carry on; only an
 * interruption is thrown.
 */
export async function publishRegion(
  job: RegionJob,
  clients: AwsClients,
  sink: EventSink,
  signal: AbortSignal,
): Promise<RegionOutcome> {
  const { region, layerName } = job;
  sink({ type: 'publish.region.start', region, layerName });
  let staged: Staged | undefined;
  try {
    const lambda = clients.lambda(region);
    const existing = await findVersionByContent(lambda, layerName, job.digest, signal);
    let result: Omit<RegionSuccess, 'permissions'>;
    if (existing) {
      result = { region, ok: true, ...existing, reused: true, recovered: false };
    } else {
      let content: PublishLayerVersionCommandInput['Content'];
      if (job.bucket) {
        const s3 = clients.s3(region);
        await ensureBucket(s3, job.bucket, region, job.createBucket, signal);
        staged = { bucket: job.bucket, key: stagedKey(layerName, job.digest.sha256), kept: job.keepStaged };
        await stageZip(s3, staged.bucket, staged.key, job.zipPath, signal);
        sink({
          type: 'publish.upload',
          region,
          bucket: staged.bucket,
          key: staged.key,
          bytes: job.digest.bytes,
        });
        content = { S3Bucket: staged.bucket, S3Key: staged.key };
      } else {
        content = { ZipFile: await readFile(job.zipPath) };
      }
      const published = await publishVersionOnce({
        publishClient: clients.lambdaPublish(region),
        readClient: lambda,
        region,
        request: { LayerName: layerName, Content: content, ...job.metadata },
        digest: job.digest,
        ...job.retry,
        sink,
        signal,
        redact: (t) => clients.redact(t),
      });
      result = { region, ok: true, ...published, reused: false, ...(staged ? { staged } : {}) };
    }
    const shared = await shareLayerVersion(lambda, layerName, result.version, job.grants, signal);
    for (const s of shared) {
      sink({ type: 'publish.permission', region, layerVersionArn: result.layerVersionArn, ...s });
    }
    const success: RegionSuccess = { ...result, permissions: shared.map((s) => s.statementId) };
    sink({
      type: 'publish.region.done',
      region,
      layerName,
      ok: true,
      layerVersionArn: success.layerVersionArn,
      version: success.version,
      reused: success.reused,
    });
    return success;
  } catch (error) {
    // The SDK reports an abort as its own AbortError; callers see one kind of interruption.
    if (isAbortError(error) || signal.aborted) throw new InterruptedError();
    const { message, hint } =
      error instanceof UserError
        ? { message: clients.redact(error.message), hint: error.hint }
        : describeAwsError(error, (t) => clients.redact(t));
    sink({ type: 'publish.region.done', region, layerName, ok: false, error: message });
    return { region, ok: false, error: message, ...(hint ? { hint } : {}) };
  } finally {
    if (staged && !staged.kept) await removeStagedQuietly(clients, region, staged, sink);
  }
}

/** A failed clean-up must not turn a published layer into a failure: warn and go on. */
async function removeStagedQuietly(
  clients: AwsClients,
  region: string,
  staged: Staged,
  sink: EventSink,
): Promise<void> {
  try {
    await removeStaged(clients.s3(region), staged.bucket, staged.key);
  } catch (error) {
    if (isNotFoundError(error)) return;
    sink({
      type: 'warning',
      code: 'publish.staged-not-removed',
      message: `could not remove s3://${staged.bucket}/${staged.key}: ${describeAwsError(error, (t) => clients.redact(t)).message}`,
    });
  }
}
