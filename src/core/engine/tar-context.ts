import type { Readable } from 'node:stream';
import tar from 'tar-stream';

/** A Docker build context holding only the given files, with fixed metadata so it is reproducible. */
export function buildContext(files: Record<string, string | Buffer>): Readable {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    pack.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  pack.finalize();
  // tar-stream packs are streamx streams; they pipe into Node streams, which is all dockerode does.
  return pack as unknown as Readable;
}
