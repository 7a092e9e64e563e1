import * as z from '../zod.js';
import type { LayerManifest } from '../layer/manifest.js';

const SHA256 = /^[0-9a-f]{64}$/;
const blob = z.strictObject({
  sha256: z.string().regex(SHA256),
  bytes: z.number().int().nonnegative(),
});

/**
 * The small object that makes an entry visible: the key, the artifact's name, and the sha256 and
 * size of the zip and the manifest, which are stored under their sha256. A reader trusts none of
 * it: each object is checked against it, and the manifest against the key.
 */
export const entryRecordSchema = z.strictObject({
  layerforgeCacheEntry: z.literal(1),
  inputsDigest: z.string().regex(SHA256),
  artifact: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*\.zip$/),
  zip: blob,
  manifest: blob,
});
export type EntryRecord = z.infer<typeof entryRecordSchema>;

/** The largest entry record or manifest read: a hostile store cannot make a reader hold more. */
export const MAX_RECORD_BYTES = 1024 * 1024;
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** The entry record read from the store, or why it cannot be used. */
export function parseEntryRecord(
  text: string,
  key: string,
  artifact: string,
): { record: EntryRecord } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'its entry record is not JSON' };
  }
  const parsed = entryRecordSchema.safeParse(json);
  if (!parsed.success) return { problem: 'its entry record is not one layerforge writes' };
  const record = parsed.data;
  if (record.inputsDigest !== key)
    return { problem: `its entry record is for inputs ${record.inputsDigest}, not ${key}` };
  if (record.artifact !== artifact)
    return { problem: `its entry record names ${record.artifact}, not ${artifact}` };
  return { record };
}

/**
 * Why a downloaded manifest does not belong to the entry, or undefined: it must be for the key
 * (a manifest copied from another build is refused even when its own zip is whole) and describe
 * the zip the record names.
 */
export function manifestProblem(manifest: LayerManifest, record: EntryRecord): string | undefined {
  if (manifest.inputsDigest !== record.inputsDigest)
    return `its manifest is for inputs ${manifest.inputsDigest}, not ${record.inputsDigest}`;
  if (manifest.zip.file !== record.artifact)
    return `its manifest describes ${manifest.zip.file}, its entry record ${record.artifact}`;
  if (manifest.zip.sha256 !== record.zip.sha256)
    return `its manifest describes a zip with sha256 ${manifest.zip.sha256}, its entry record ${record.zip.sha256}`;
  if (manifest.zip.zippedBytes !== record.zip.bytes)
    return `its manifest describes a zip of ${manifest.zip.zippedBytes} bytes, its entry record ${record.zip.bytes}`;
  return undefined;
}
