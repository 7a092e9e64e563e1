import { createWriteStream } from 'node:fs';
import { chmod, link, mkdir, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { endExtractorWith } from '../engine/archive-entries.js';
import { InterruptedError, JobFailedError } from '../errors.js';
import type { StepIO } from '../job-context.js';
import { collectBuffersAsRead } from '../young-generation.js';
import { isUnsafeEntryName, resolveLayerLink } from '../layer/link.js';
import { SMALL_FILE_BYTES, StagingWrites } from './staging-writes.js';

/** A path inside the layer (relative to /opt), or undefined when the entry is /opt itself. */
function layerPath(name: string, root: string): string | undefined {
  const normalized = posix.normalize(name.replace(/^\.\//, ''));
  if (isUnsafeEntryName(normalized)) {
    throw new JobFailedError(`the container's /opt holds an entry with an unsafe path: ${name}`);
  }
  const prefix = `${root}/`;
  if (normalized === root || normalized === prefix) return undefined;
  if (!normalized.startsWith(prefix))
    throw new JobFailedError(`unexpected entry outside /opt in the archive: ${name}`);
  return normalized.slice(prefix.length).replace(/\/$/, '');
}

/**
 * Where a symlink points, as a relative path inside the layer. Absolute links into /opt are made
 * relative (they would resolve the same on Lambda, and a zip must not hold absolute links);
 * anything that leaves /opt is refused.
 */
export function safeLinkTarget(path: string, target: string): string {
  let relativeTarget = target;
  if (target.startsWith('/')) {
    if (!target.startsWith('/opt/')) {
      throw new JobFailedError(`symlink ${path} → ${target} points outside the layer`, {
        hint: 'copy the file into /opt instead of linking to it (e.g. with cp -L in the build script)',
      });
    }
    relativeTarget = posix.relative(posix.dirname(`/opt/${path}`), target) || '.';
  }
  if (resolveLayerLink(path, relativeTarget).kind !== 'inside') {
    throw new JobFailedError(`symlink ${path} → ${target} escapes the layer`, {
      hint: 'a layer is extracted to /opt: links must stay inside it',
    });
  }
  return relativeTarget;
}

/**
 * Streams a tar of /opt (from the engine's archive API) into `destination`, validating every entry.
 * Memory stays flat: small files are written in the background, bounded in count and bytes
 * (staging-writes.ts), and large ones are piped to disk before the archive goes on.
 */
export async function extractOptArchive(archive: Readable, destination: string, io: StepIO): Promise<void> {
  try {
    await extractInto(archive, destination, io);
  } finally {
    // The engine holds the container's lock until the archive response is closed: left open, it
    // makes the container's removal wait forever and the process sit idle.
    archive.destroy();
  }
}

async function extractInto(archive: Readable, destination: string, io: StepIO): Promise<void> {
  if (io.signal.aborted) throw new InterruptedError();
  const extract = tar.extract();
  const writes = new StagingWrites(destination, (error) => extract.destroy(error as Error));
  // Symlinks made so far: an entry below one of them would be written wherever the link points.
  const links = new Set<string>();
  // Every listener is in place before the first await: an abort or a dropped engine connection
  // during the mkdir below destroys the extractor, and an 'error' with no listener would end the
  // process.
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      // Destroying the extractor (an abort, a refused entry) errors the current entry too, maybe
      // while it waits for a mkdir with no listener yet: the extractor's own error reports it.
      stream.on('error', () => {});
      entry(header, stream, writes, links, io).then(
        () => next(),
        (error: unknown) => extract.destroy(error as Error),
      );
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  // Awaited below; this only keeps an abort that lands while the mkdir fails from going unhandled.
  done.catch(() => {});
  const stopListening = endExtractorWith(archive, extract, io.signal);
  try {
    await mkdir(destination, { recursive: true });
    archive.pipe(extract as unknown as NodeJS.WritableStream);
    collectBuffersAsRead(archive);
    await done;
    await writes.finish();
  } finally {
    stopListening();
    // Nothing may still be writing once the caller sees the outcome (and maybe removes the folder).
    await writes.settle();
  }
}

/** An entry's body as tar-stream hands it over (a streamx stream, not Node's). */
type EntryStream = tar.ExtractEvents['entry'][1];

/** One archive entry, checked and handed to the disk; resolves when the archive may go on. */
async function entry(
  header: tar.Header,
  stream: EntryStream,
  writes: StagingWrites,
  links: Set<string>,
  io: StepIO,
): Promise<void> {
  const path = layerPath(header.name, 'opt');
  if (path === undefined) return void stream.resume();
  const parents = path
    .split('/')
    .slice(0, -1)
    .map((_, i, all) => all.slice(0, i + 1).join('/'));
  const through = parents.find((p) => links.has(p));
  if (through !== undefined) {
    throw new JobFailedError(`the container's /opt holds ${path} below the symlink ${through}`, {
      hint: 'an archive entry must not be written through a symlink',
    });
  }
  const target = join(writes.root, path);
  switch (header.type) {
    case 'directory':
      stream.resume();
      return writes.folderEntry(path, (header.mode ?? 0o755) & 0o7777);
    case 'file':
    case 'contiguous-file': {
      const mode = (header.mode ?? 0o644) & 0o7777;
      if ((header.size ?? 0) <= SMALL_FILE_BYTES) return writes.file(path, await whole(stream), mode);
      // A large file is streamed to disk before the archive goes on: memory stays flat.
      await writes.ready(path);
      await pipeline(stream, createWriteStream(target, { mode }));
      return chmod(target, mode);
    }
    case 'symlink': {
      const linkTarget = safeLinkTarget(path, header.linkname ?? '');
      links.add(path);
      stream.resume();
      return writes.write(path, () => symlink(linkTarget, target));
    }
    case 'link': {
      const linked = layerPath(header.linkname ?? '', 'opt');
      if (linked === undefined) throw new JobFailedError(`hard link ${path} points at /opt itself`);
      stream.resume();
      return writes.write(path, () => link(join(writes.root, linked), target), linked);
    }
    default:
      io.sink({
        type: 'warning',
        code: 'skipped-entry',
        message: `skipped ${path}: a ${header.type} cannot be stored in a layer`,
      });
      return void stream.resume();
  }
}

/** A small entry's body, read whole. */
async function whole(stream: EntryStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}
