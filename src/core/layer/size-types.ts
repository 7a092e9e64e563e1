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
