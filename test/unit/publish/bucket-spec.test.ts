import { describe, expect, it } from 'vitest';
import { bucketForRegion, parseBucketSpec } from '../../../src/core/publish/bucket-spec.js';

describe('--s3-bucket', () => {
  it('takes one bucket for one region', () => {
    expect(bucketForRegion(parseBucketSpec('my-layers'), 'us-east-1', 1)).toBe('my-layers');
    expect(() => bucketForRegion(parseBucketSpec('my-layers'), 'us-east-1', 2)).toThrow(
      /cannot stage zips for 2 regions/,
    );
  });

  it('fills a {region} template', () => {
    const spec = parseBucketSpec('layers-{region}-acme');
    expect(bucketForRegion(spec, 'eu-west-1', 3)).toBe('layers-eu-west-1-acme');
  });

  it('reads region=bucket pairs', () => {
    const spec = parseBucketSpec(' us-east-1=bucket-a , eu-west-1=bucket-b ');
    expect(bucketForRegion(spec, 'us-east-1', 2)).toBe('bucket-a');
    expect(bucketForRegion(spec, 'eu-west-1', 2)).toBe('bucket-b');
    expect(() => bucketForRegion(spec, 'ap-south-1', 3)).toThrow(/names no bucket for ap-south-1/);
  });

  it('rejects malformed specs and bucket names', () => {
    expect(() => parseBucketSpec('us-east-1=')).toThrow(/not region=bucket/);
    expect(() => parseBucketSpec('a=b=c')).toThrow(/not region=bucket/);
    expect(() => parseBucketSpec('UPPER')).toThrow(/not a valid S3 bucket name/);
    expect(() => parseBucketSpec('ab')).toThrow(/not a valid S3 bucket name/);
    expect(() => parseBucketSpec('a..b')).toThrow(/not a valid S3 bucket name/);
    expect(() => bucketForRegion(parseBucketSpec('{region}_x'), 'us-east-1', 1)).toThrow(
      /not a valid S3 bucket name/,
    );
  });
});
