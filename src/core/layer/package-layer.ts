import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { throwIfAborted } from '../errors.js';
import type { StepIO } from '../job-context.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { layerforgeVersion } from '../version.js';
import { manifestPathFor } from './manifest.js';
import { manifestSchema, type LayerManifest } from './manifest-schema.js';
import { checkBudget, checkSizeLimits, measureLayerTree, MB } from './size.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';
import type { SizeReport } from './size-types.js';
import { writeLayerZip } from './zip-writer.js';
import type { LayerZipInfo } from './zip-writer.js';

/** The manifest fields the caller knows; packaging fills in the zip, sizes and version. */
export type ManifestFields = Omit<LayerManifest, 'schemaVersion' | 'zip' | 'layerforgeVersion'>;

export interface PackageLayerOptions {
  /** The staged `/opt` tree. */
  stagingDir: string;
  zipPath: string;
  manifest: ManifestFields;
  /** Bytes of the 250 MB already used by the function and other layers. */
  reservedBytes?: number;
  /** The recipe's budget.unzippedMB, if it has one. */
  budgetMB?: number;
  /** zlib level, default LAYER_ZIP_LEVEL (zip-level.ts). */
  level?: number;
}

export interface PackagedLayer {
  zipPath: string;
  manifestPath: string;
  zip: LayerZipInfo;
  manifest: LayerManifest;
  size: SizeReport;
}

/**
 * Turns a staged layer tree into `<name>.zip` plus `<name>.manifest.json`:
 * measures it and refuses (JobFailedError, nothing written) when it is over Lambda's 250 MB
 * with the reserve or over the recipe's budget; writes the deterministic zip; reports
 * `size.measured`, warns `needs-s3` when the zip is over the 50 MB direct upload; then writes
 * the manifest atomically. If anything fails after the zip is written, the zip is removed too,
 * so a zip never sits there without its manifest.
 */
export async function packageLayer(options: PackageLayerOptions, io: StepIO): Promise<PackagedLayer> {
  const { stagingDir, zipPath } = options;
  const measured = await measureLayerTree(stagingDir, {
    reservedBytes: options.reservedBytes,
    signal: io.signal,
  });
  checkBudget(measured, options.budgetMB);
  checkSizeLimits(measured);

  await mkdir(dirname(zipPath), { recursive: true });
  const zip = await writeLayerZip(stagingDir, zipPath, { signal: io.signal, level: options.level });
  const manifestPath = manifestPathFor(zipPath);
  try {
    throwIfAborted(io.signal);
    const size: SizeReport = {
      ...measured,
      zippedBytes: zip.zippedBytes,
      needsS3: zip.zippedBytes > LAMBDA_LIMITS.directUploadZippedBytes,
    };
    io.sink({ type: 'size.measured', report: size });
    if (size.needsS3) {
      io.sink({
        type: 'warning',
        code: 'needs-s3',
        message: `the zip is ${(zip.zippedBytes / MB).toFixed(1)} MB, over the 50 MB Lambda accepts inline: publish will upload it through an S3 bucket in each region`,
      });
    }
    const manifest = manifestSchema.parse({
      schemaVersion: 1,
      ...options.manifest,
      zip: {
        file: basename(zipPath),
        sha256: zip.sha256,
        codeSha256: zip.codeSha256,
        zippedBytes: zip.zippedBytes,
        unzippedBytes: zip.unzippedBytes,
        fileCount: zip.fileCount,
      },
      layerforgeVersion,
    } satisfies LayerManifest);
    await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    return { zipPath, manifestPath, zip, manifest, size };
  } catch (error) {
    await rm(zipPath, { force: true });
    throw error;
  }
}
