/** Lambda's limits, in bytes; see LAMBDA.md for their sources. */
export const LAMBDA_LIMITS = {
  /** Function plus all its layers, unzipped: 250 MB as AWS counts it (1024² bytes). */
  unzippedBytes: 262_144_000,
  /** Zip sent inline in PublishLayerVersion; larger zips must go through S3. */
  directUploadZippedBytes: 50 * 1024 * 1024,
} as const;

export interface SizeEntry {
  /** A top directory (`python`, `lib`, `bin`) or a package (`python/numpy`). */
  path: string;
  bytes: number;
  files: number;
}

export interface SizeReport {
  unzippedBytes: number;
  /** Present once the zip is written. */
  zippedBytes?: number;
  fileCount: number;
  /** Bytes the function and other layers already use, reserved from the 250 MB. */
  reservedBytes: number;
  /** unzippedBytes + reservedBytes. */
  totalUnzippedBytes: number;
  limitBytes: number;
  overLimit: boolean;
  /** The zip is too big to upload inline: publish will stage it in S3. */
  needsS3: boolean;
  /** Largest first. */
  topDirectories: SizeEntry[];
  topPackages: SizeEntry[];
}
