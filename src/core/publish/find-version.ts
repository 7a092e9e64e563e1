import {
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  type LambdaClient,
  type LayerVersionsListItem,
} from '@aws-sdk/client-lambda';
import { isNotFoundError } from '../aws/errors.js';

/** How many of the newest versions the idempotence check looks at. */
export const VERSIONS_CHECKED = 50;

export interface ExistingVersion {
  layerVersionArn: string;
  version: number;
  /** Lambda's CreatedDate, as ISO 8601 UTC. */
  createdAt: string | undefined;
}

/** Lambda's CreatedDate (`2024-05-01T10:00:00.000+0000`) as ISO 8601 UTC; unparseable dates stay as they are. */
export function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/**
 * The newest versions of a layer, newest first, up to `limit` (ListLayerVersions pages at 50).
 * A layer that does not exist has no versions.
 */
export async function listNewestVersions(
  lambda: LambdaClient,
  layerName: string,
  limit: number,
  signal?: AbortSignal,
): Promise<LayerVersionsListItem[]> {
  const items: LayerVersionsListItem[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await lambda.send(
        new ListLayerVersionsCommand({ LayerName: layerName, MaxItems: Math.min(50, limit), Marker: marker }),
        { abortSignal: signal },
      );
    } catch (error) {
      // A layer that was never published has no versions, however the API words it.
      if (isNotFoundError(error)) break;
      throw error;
    }
    items.push(...(page.LayerVersions ?? []));
    marker = page.NextMarker;
  } while (marker && items.length < limit);
  return items.sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0)).slice(0, limit);
}

/**
 * Finds a version of the layer whose content is byte-identical to the zip (same CodeSha256).
 * ListLayerVersions does not return CodeSha256, so each candidate costs a GetLayerVersion;
 * the CodeSha256 Lambda computed decides, never the description alone.
 */
export async function findVersionByContent(
  lambda: LambdaClient,
  layerName: string,
  digest: { sha256: string; codeSha256: string },
  signal?: AbortSignal,
  limit = VERSIONS_CHECKED,
): Promise<ExistingVersion | undefined> {
  const newest = await listNewestVersions(lambda, layerName, limit, signal);
  const markerOf = (item: LayerVersionsListItem) => /sha256:([0-9a-f]{64})/.exec(item.Description ?? '')?.[1];
  // A version layerforge published names its zip's digest; one naming another digest holds other
  // content and costs no GetLayerVersion. Versions from other tools carry no digest: ask for each.
  const candidates = [
    ...newest.filter((item) => markerOf(item) === digest.sha256),
    ...newest.filter((item) => markerOf(item) === undefined),
  ];
  for (const item of candidates) {
    if (item.Version === undefined) continue;
    let content;
    try {
      content = await lambda.send(
        new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: item.Version }),
        {
          abortSignal: signal,
        },
      );
    } catch (error) {
      // Deleted between the list and the get: not a match.
      if (isNotFoundError(error)) continue;
      throw error;
    }
    if (content.Content?.CodeSha256 === digest.codeSha256 && content.LayerVersionArn) {
      return {
        layerVersionArn: content.LayerVersionArn,
        version: item.Version,
        createdAt: isoDate(content.CreatedDate),
      };
    }
  }
  return undefined;
}
