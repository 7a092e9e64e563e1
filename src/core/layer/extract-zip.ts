import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { SafeZip } from './zip/open-zip.js';
import { isUnsafeEntryName } from './link.js';
import { describeZipEntry } from './read-zip.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';

/**
 * Extracts a layer zip the way Lambda does into `destination` (which plays /opt): unix modes
 * applied, symlinks recreated as symlinks. Entries that would land outside are refused, and so
 * is a layer over Lambda's unzipped limit; a broken or hostile zip is a UserError before
 * anything is written (see SafeZip).
 */
export async function extractLayerZip(
  zipPath: string,
  destination: string,
  signal?: AbortSignal,
): Promise<void> {
  const zip = await SafeZip.open(zipPath, { signal });
  try {
    // Each entry is held to its declared size while it streams, so the sum bounds what is written.
    if (zip.declaredBytes > LAMBDA_LIMITS.unzippedBytes) {
      throw new JobFailedError(
        `${zipPath} unzips to ${zip.declaredBytes} bytes, over Lambda's limit of ${LAMBDA_LIMITS.unzippedBytes}: Lambda would refuse it`,
        { hint: 'prune the layer or split it across several layers' },
      );
    }
    await mkdir(destination, { recursive: true });
    // Links made so far: an entry under one would be written wherever the link points.
    const links = new Set<string>();
    for (const record of zip.entries) {
      throwIfAborted(signal);
      const { path, type, mode } = describeZipEntry(record);
      if (isUnsafeEntryName(path) || underLink(path, links)) {
        throw new JobFailedError(`zip entry ${record.name} would land outside /opt`);
      }
      const target = join(destination, path);
      // An entry whose permission bits are all zero gets what extraction gives a new file.
      const permissions = mode || (type === 'dir' ? 0o755 : 0o644);
      if (type === 'dir') {
        await mkdir(target, { recursive: true });
        await chmod(target, permissions);
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      if (type === 'symlink') {
        await symlink(await zip.readLink(record), target);
        links.add(path);
        continue;
      }
      await zip.pipeEntry(record, createWriteStream(target), { signal });
      await chmod(target, permissions);
    }
  } finally {
    await zip.close();
  }
}

function underLink(name: string, links: ReadonlySet<string>): boolean {
  const parts = name.split('/');
  for (let end = 1; end < parts.length; end++) if (links.has(parts.slice(0, end).join('/'))) return true;
  return false;
}
