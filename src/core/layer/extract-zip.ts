import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { JobFailedError, throwIfAborted } from '../errors.js';
import { isUnsafeEntryName } from './link.js';

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    ),
  );
}

/**
 * Extracts a layer zip the way Lambda does into `destination` (which plays /opt): unix modes
 * applied, symlinks recreated as symlinks. Entries that would land outside are refused.
 */
export async function extractLayerZip(
  zipPath: string,
  destination: string,
  signal?: AbortSignal,
): Promise<void> {
  const zip = await openZip(zipPath);
  try {
    await mkdir(destination, { recursive: true });
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => (entries.push(entry), zip.readEntry()));
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    for (const entry of entries) {
      throwIfAborted(signal);
      const name = posix.normalize(entry.fileName);
      if (isUnsafeEntryName(name)) {
        throw new JobFailedError(`zip entry ${entry.fileName} would land outside /opt`);
      }
      const target = join(destination, name);
      const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const type = unixMode & 0o170000;
      if (name.endsWith('/') || type === 0o040000) {
        await mkdir(target, { recursive: true });
        await chmod(target, unixMode & 0o7777 || 0o755);
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
      );
      if (type === 0o120000) {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        await symlink(Buffer.concat(chunks).toString('utf8'), target);
        continue;
      }
      await pipeline(stream, createWriteStream(target));
      await chmod(target, unixMode & 0o7777 || 0o644);
    }
  } finally {
    zip.close();
  }
}
