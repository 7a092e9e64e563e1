import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { buildContext } from '../../../src/core/engine/tar-context.js';

interface Entry {
  name: string;
  type: string | null | undefined;
  mode: number | undefined;
  mtime: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  body: string;
}

/** Reads a tar back with tar-stream: every entry's header and body. */
async function readTar(bytes: Buffer): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      buffer(stream).then((body) => {
        entries.push({
          name: header.name,
          type: header.type,
          mode: header.mode,
          mtime: header.mtime?.getTime(),
          uid: header.uid,
          gid: header.gid,
          body: body.toString('utf8'),
        });
        next();
      }, reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(bytes);
  await done;
  return entries;
}

const FILES = { Dockerfile: 'FROM scratch\nENV A=1\n', 'scripts/export.sh': '#!/bin/sh\necho hi\n' };

describe('buildContext', () => {
  it('puts the Dockerfile at the root of the tar with fixed metadata', async () => {
    const entries = await readTar(await buffer(buildContext(FILES)));
    expect(entries).toEqual([
      { name: 'Dockerfile', type: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, body: FILES.Dockerfile },
      {
        name: 'scripts/export.sh',
        type: 'file',
        mode: 0o644,
        mtime: 0,
        uid: 0,
        gid: 0,
        body: FILES['scripts/export.sh'],
      },
    ]);
  });

  it('gives the same bytes for the same files, whatever order they are given in', async () => {
    const first = await buffer(buildContext(FILES));
    const again = await buffer(buildContext({ ...FILES }));
    const reordered = await buffer(
      buildContext({ 'scripts/export.sh': FILES['scripts/export.sh'], Dockerfile: FILES.Dockerfile }),
    );
    expect(again.equals(first)).toBe(true);
    expect(reordered.equals(first)).toBe(true);
  });

  it('gives different bytes when a file changes', async () => {
    const first = await buffer(buildContext(FILES));
    const changed = await buffer(buildContext({ ...FILES, Dockerfile: 'FROM scratch\nENV A=2\n' }));
    expect(changed.equals(first)).toBe(false);
  });
});
