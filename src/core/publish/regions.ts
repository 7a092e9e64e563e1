import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';

/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7 … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The regions to publish to: the given ones (deduplicated, in order), or the SDK's default
 * region (AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region`). None at all is a UserError.
 */
export async function resolveRegions(given: string[] | undefined, clients: AwsClients): Promise<string[]> {
  const regions = [...new Set((given ?? []).map((r) => r.trim()).filter((r) => r.length > 0))];
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) {
      throw new UserError(`"${region}" is not an AWS region`, {
        hint: 'regions look like us-east-1 or eu-west-1',
      });
    }
  }
  if (regions.length > 0) return regions;
  const fallback = await clients.defaultRegion();
  if (fallback) return [fallback];
  throw new UserError('no region: layerforge does not know where to publish', {
    hint: 'pass --region us-east-1 (several: --region us-east-1,eu-west-1), set AWS_REGION or AWS_DEFAULT_REGION, or set region in your AWS profile',
  });
}
