/** Limits of one layer version, from the PublishLayerVersion API reference (docs/lambda-facts.md). */

/** `CompatibleRuntimes`: at most 15 runtime ids. */
export const COMPATIBLE_RUNTIMES_MAX = 15;
/** `Description`: at most 256 characters. */
export const DESCRIPTION_MAX = 256;
/** `LicenseInfo`: at most 512 characters. */
export const LICENSE_INFO_MAX = 512;
