import { GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import type { AwsClients } from '../aws/clients.js';
import { describeAwsError, redactedCause } from '../aws/errors.js';
import { UserError, isAbortError } from '../errors.js';
import { isoDate, listNewestVersions } from './find-version.js';
import { validateLayerName } from './layer-metadata.js';
import { resolveRegions } from './regions.js';

export interface RemoteLayerVersion {
  region: string;
  version: number;
  layerVersionArn: string;
  createdAt: string | undefined;
  runtimes: string[];
  architectures: string[];
  description: string | undefined;
  /** Only when asked for: one GetLayerVersion per version. */
  codeSha256?: string;
}

export interface ListVersionsOptions {
  layerName: string;
  regions?: string[];
  /** Newest versions per region; default 50. */
  limit?: number;
  withCodeSha256?: boolean;
}

/** `layerforge versions <name>`: what exists remotely, newest first, per region. */
export async function listRemoteVersions(
  options: ListVersionsOptions,
  deps: { clients: AwsClients; signal: AbortSignal },
): Promise<RemoteLayerVersion[]> {
  const { clients, signal } = deps;
  const layerName = validateLayerName(options.layerName);
  const regions = await resolveRegions(options.regions, clients);
  await clients.checkCredentials();
  const rows: RemoteLayerVersion[] = [];
  for (const region of regions) {
    const lambda = clients.lambda(region);
    try {
      const items = await listNewestVersions(lambda, layerName, options.limit ?? 50, signal);
      const limit = pLimit(4);
      const shas = await Promise.all(
        items.map((item) =>
          options.withCodeSha256 && item.Version !== undefined
            ? limit(async () => {
                const got = await lambda.send(
                  new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: item.Version }),
                  {
                    abortSignal: signal,
                  },
                );
                return got.Content?.CodeSha256;
              })
            : Promise.resolve(undefined),
        ),
      );
      items.forEach((item, i) => {
        const codeSha256 = shas[i];
        rows.push({
          region,
          version: item.Version ?? 0,
          layerVersionArn: item.LayerVersionArn ?? '',
          createdAt: isoDate(item.CreatedDate),
          runtimes: item.CompatibleRuntimes ?? [],
          architectures: item.CompatibleArchitectures ?? [],
          description: item.Description,
          ...(codeSha256 ? { codeSha256 } : {}),
        });
      });
    } catch (error) {
      if (error instanceof UserError || isAbortError(error)) throw error;
      const { message, hint } = describeAwsError(error, (t) => clients.redact(t));
      throw new UserError(`${region}: ${message}`, {
        hint,
        cause: redactedCause(error, (t) => clients.redact(t)),
        exitCode: 1,
      });
    }
  }
  return rows;
}
