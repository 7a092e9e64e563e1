import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { SafeZip } from '../zip/open-zip.js';
import { isUnsafeEntryName } from './link.js';
import { LAMBDA_LIMITS } from './size-types.js';

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
      const name = posix.normalize(record.name);
      if (isUnsafeEntryName(name) || underLink(name, links)) {
        throw new JobFailedError(`zip entry ${record.name} would land outside /opt`);
      }
      const target = join(destination, name);
      const unixMode = (record.entry.externalFileAttributes >>> 16) & 0xffff;
      const type = unixMode & 0o170000;
      if (name.endsWith('/') || type === 0o040000) {
        await mkdir(target, { recursive: true });
        await chmod(target, unixMode & 0o7777 || 0o755);
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      if (type === 0o120000) {
        await symlink(await zip.readLink(record), target);
        links.add(name);
        continue;
      }
      await zip.pipeEntry(record, createWriteStream(target), { signal });
      await chmod(target, unixMode & 0o7777 || 0o644);
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
