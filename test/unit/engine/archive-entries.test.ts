import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { walkArchive } from '../../../src/core/engine/archive-entries.js';
import { InterruptedError } from '../../../src/core/errors.js';

/** An archive that sends one entry and then stays open, as a slow engine's response would. */
function openArchive(): PassThrough {
  const archive = new PassThrough();
  const pack = tar.pack();
  pack.entry({ name: './etc/os-release', type: 'file', mode: 0o644 }, 'ID=debian\n');
  (pack as unknown as Readable).pipe(archive);
  // Closing the archive ends the pipe from the pack with a premature close, as intended.
  pack.on('error', () => {});
  return archive;
}

describe('walkArchive', () => {
  it('hands each entry over with its name without ./ and its body', async () => {
    const pack = tar.pack();
    pack.entry({ name: './etc/os-release', type: 'file' }, 'ID=debian\n');
    pack.entry({ name: './lib', type: 'directory' });
    pack.finalize();
    const seen: string[] = [];
    await walkArchive(pack as unknown as Readable, async (entry) => {
      let body = '';
      for await (const chunk of entry.body) body += chunk.toString();
      seen.push(`${entry.name}:${entry.header.type}:${body}`);
    });
    expect(seen).toEqual(['etc/os-release:file:ID=debian\n', 'lib:directory:']);
  });

  it('throws at once when the signal fires while it waits for the next entry, and closes the archive', async () => {
    const archive = openArchive();
    const controller = new AbortController();
    const seen: string[] = [];
    const run = walkArchive(archive, (entry) => void seen.push(entry.name), controller.signal);
    await expect.poll(() => seen).toEqual(['etc/os-release']);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(archive.destroyed).toBe(true);
  });

  it('throws when the signal fires inside a visit', async () => {
    const controller = new AbortController();
    const run = walkArchive(openArchive(), () => controller.abort(), controller.signal);
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
  });

  it('reads nothing when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const archive = openArchive();
    const seen: string[] = [];
    await expect(
      walkArchive(archive, (entry) => void seen.push(entry.name), controller.signal),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(seen).toEqual([]);
    expect(archive.destroyed).toBe(true);
  });

  it('passes on an error of the archive stream, such as a dropped engine connection', async () => {
    const archive = openArchive();
    const run = walkArchive(archive, () => void archive.destroy(new Error('socket hang up')));
    await expect(run).rejects.toThrow('socket hang up');
  });
});
