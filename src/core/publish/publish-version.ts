import {
  PublishLayerVersionCommand,
  type LambdaClient,
  type PublishLayerVersionCommandInput,
} from '@aws-sdk/client-lambda';
import { awsErrorName, isRetryableError } from '../aws/errors.js';
import { throwIfAborted } from '../errors.js';
import type { EventSink } from '../events.js';
import { backoffDelay, sleep } from './backoff.js';
import { findVersionByContent, isoDate, type ExistingVersion } from './find-version.js';

export interface PublishVersionInput {
  /** Single-attempt client: this function owns the retries. */
  publishClient: LambdaClient;
  /** Client with the SDK's standard retries, for the checks between attempts. */
  readClient: LambdaClient;
  region: string;
  request: PublishLayerVersionCommandInput & { LayerName: string };
  digest: { sha256: string; codeSha256: string };
  attempts: number;
  baseDelayMs: number;
  sink: EventSink;
  signal: AbortSignal;
  redact: (text: string) => string;
}

export interface PublishedVersion extends ExistingVersion {
  /** The response was lost, but the failed attempt had created this version. */
  recovered: boolean;
}

/**
 * PublishLayerVersion with retries that cannot duplicate a version. Publishing is not idempotent:
 * a request whose response was lost (timeout, reset, 5xx after the write) may have created
 * version N+1. So before every retry the same content check as before the first attempt runs,
 * and a version holding this zip ends the loop instead of a second publish.
 */
export async function publishVersionOnce(input: PublishVersionInput): Promise<PublishedVersion> {
  const { publishClient, readClient, request, digest, signal } = input;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal);
    if (attempt > 1) {
      const existing = await findVersionByContent(readClient, request.LayerName, digest, signal);
      if (existing) return { ...existing, recovered: true };
    }
    try {
      const response = await publishClient.send(new PublishLayerVersionCommand(request), {
        abortSignal: signal,
      });
      if (!response.LayerVersionArn || response.Version === undefined) {
        throw new Error('PublishLayerVersion answered without a LayerVersionArn');
      }
      return {
        layerVersionArn: response.LayerVersionArn,
        version: response.Version,
        createdAt: isoDate(response.CreatedDate),
        recovered: false,
      };
    } catch (error) {
      if (!isRetryableError(error) || attempt >= input.attempts) throw error;
      const message = error instanceof Error ? error.message : String(error);
      input.sink({
        type: 'publish.retry',
        region: input.region,
        operation: 'PublishLayerVersion',
        attempt,
        error: input.redact(`${awsErrorName(error)}: ${message}`),
      });
      await sleep(backoffDelay(attempt, input.baseDelayMs), signal);
    }
  }
}
