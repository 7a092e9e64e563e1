/** Lambda's size quotas, in bytes (AWS's Lambda quotas page; docs/lambda-facts.md, "Limits"). */
export const LAMBDA_LIMITS = {
  /**
   * Function plus all its layers, unzipped: 250 MB as AWS counts it (1024² bytes). The same
   * byte count appears in real deploy errors (aws/aws-sdk-pandas#3331).
   */
  unzippedBytes: 262_144_000,
  /** Zip sent inline in PublishLayerVersion (`Content.ZipFile`); larger zips must go through S3. */
  directUploadZippedBytes: 50 * 1024 * 1024,
} as const;

/** Layers one function can use (Lambda quotas page). */
export const LAYERS_PER_FUNCTION_MAX = 5;
