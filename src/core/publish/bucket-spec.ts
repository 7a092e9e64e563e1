import { UserError } from '../errors.js';

/** S3's bucket naming rules (general purpose buckets): 3–63 lowercase letters, digits, dots, hyphens. */
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Where to stage zips, per region. Lambda reads a layer's zip only from a bucket in the layer's
 * region, so one bucket name serves one region; several regions need a map or a template.
 */
export type BucketSpec =
  | { kind: 'single'; bucket: string }
  | { kind: 'template'; template: string }
  | { kind: 'per-region'; buckets: Map<string, string> };

/** Parses `bucket`, `us-east-1=bucket-a,eu-west-1=bucket-b` or `layers-{region}`. */
export function parseBucketSpec(spec: string): BucketSpec {
  const text = spec.trim();
  if (text.includes('{region}')) return { kind: 'template', template: text };
  if (text.includes('=')) {
    const buckets = new Map<string, string>();
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [region, bucket, extra] = part.split('=').map((p) => p.trim());
      if (!region || !bucket || extra !== undefined) {
        throw new UserError(`"${part}" in --s3-bucket is not region=bucket`, {
          hint: 'write --s3-bucket us-east-1=bucket-a,eu-west-1=bucket-b',
        });
      }
      buckets.set(region, checkBucketName(bucket));
    }
    return { kind: 'per-region', buckets };
  }
  return { kind: 'single', bucket: checkBucketName(text) };
}

function checkBucketName(bucket: string): string {
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes('..')) {
    throw new UserError(`"${bucket}" is not a valid S3 bucket name`, {
      hint: 'bucket names have 3–63 lowercase letters, digits, dots and hyphens',
    });
  }
  return bucket;
}

/** The bucket for one region; a UserError when the spec does not name one. */
export function bucketForRegion(spec: BucketSpec, region: string, regionCount: number): string {
  switch (spec.kind) {
    case 'single':
      if (regionCount > 1) {
        throw new UserError(`one bucket (${spec.bucket}) cannot stage zips for ${regionCount} regions`, {
          hint: 'Lambda reads a layer zip only from its own region: use --s3-bucket "name-{region}" or region=bucket pairs',
        });
      }
      return spec.bucket;
    case 'template':
      return checkBucketName(spec.template.replaceAll('{region}', region));
    case 'per-region': {
      const bucket = spec.buckets.get(region);
      if (!bucket) {
        throw new UserError(`--s3-bucket names no bucket for ${region}`, {
          hint: `add ${region}=<bucket> to --s3-bucket`,
        });
      }
      return bucket;
    }
  }
}
