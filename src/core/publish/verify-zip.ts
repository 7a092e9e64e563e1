import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { LayerManifest } from '../layer/manifest.js';

export interface ZipDigest {
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 of the same digest: what Lambda reports as CodeSha256. */
  codeSha256: string;
  bytes: number;
}

/** Hashes a file as a stream, so memory stays flat for a 250 MB zip. */
export async function digestFile(path: string, signal?: AbortSignal): Promise<ZipDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
  }
  const digest = hash.digest();
  return { sha256: digest.toString('hex'), codeSha256: digest.toString('base64'), bytes };
}

/**
 * Checks that the zip is the one its manifest describes before anything is uploaded:
 * a zip edited or rebuilt without its manifest would publish metadata that lies.
 */
export async function verifyZipAgainstManifest(
  zipPath: string,
  manifestPath: string,
  manifest: LayerManifest,
  signal?: AbortSignal,
): Promise<ZipDigest> {
  try {
    await stat(zipPath);
  } catch (cause) {
    throw new UserError(`no zip at ${zipPath}`, {
      cause,
      hint: 'build the layer first with `layerforge build`',
    });
  }
  const digest = await digestFile(zipPath, signal);
  if (digest.sha256 !== manifest.zip.sha256) {
    throw new UserError(`${zipPath} does not match its manifest`, {
      details: [
        `zip sha256:      ${digest.sha256}`,
        `manifest sha256: ${manifest.zip.sha256} (${manifestPath})`,
      ],
      hint: 'rebuild the layer so the zip and its manifest are written together',
    });
  }
  if (Buffer.from(manifest.zip.codeSha256, 'base64').toString('hex') !== manifest.zip.sha256) {
    throw new UserError(`${manifestPath} is inconsistent: codeSha256 is not the base64 form of sha256`, {
      details: [`sha256:     ${manifest.zip.sha256}`, `codeSha256: ${manifest.zip.codeSha256}`],
      hint: 'rebuild the layer to regenerate its manifest',
    });
  }
  return digest;
}
