import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { LayerEntry } from '../layer/entry.js';
import { describeZipEntry } from '../layer/read-zip.js';
import { walkLayerTree } from '../layer/tree.js';
import { SafeZip, type ZipRecord } from '../layer/zip/open-zip.js';

/** Metadata files (METADATA, package.json, a lock file) are small; a bigger one is not read. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/** A layer's entries and the bytes of its small files, whether it is a staged folder or a zip. */
export interface LayerFiles {
  /** Every entry by layer path (`python/numpy/__init__.py`), with its unzipped size. */
  entries: ReadonlyMap<string, LayerEntry & { compressedSize?: number }>;
  /** A regular file's text, or undefined when it is absent or over MAX_METADATA_BYTES. */
  readText(path: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** A staged layer folder. */
export async function folderLayerFiles(root: string, signal?: AbortSignal): Promise<LayerFiles> {
  const entries = new Map<string, LayerEntry>();
  for await (const { absolutePath: _, ...entry } of walkLayerTree(root, { signal, strict: false })) {
    entries.set(entry.path, entry);
  }
  return {
    entries,
    readText: async (path) => {
      const entry = entries.get(path);
      if (entry?.type !== 'file' || entry.size > MAX_METADATA_BYTES) return undefined;
      return readFile(join(root, path), 'utf8');
    },
    close: async () => {},
  };
}

/** A layer zip, read defensively (see SafeZip): a hostile or broken zip is a UserError. */
export async function zipLayerFiles(zipPath: string, signal?: AbortSignal): Promise<LayerFiles> {
  const zip = await SafeZip.open(zipPath, { signal });
  const entries = new Map<string, LayerEntry & { compressedSize: number }>();
  const records = new Map<string, ZipRecord>();
  for (const record of zip.entries) {
    const { name: _, modeKnown: __, ...entry } = describeZipEntry(record);
    if (entry.path === '') continue;
    entries.set(entry.path, entry);
    records.set(entry.path, record);
  }
  return {
    entries,
    readText: async (path) => {
      const record = records.get(path);
      if (entries.get(path)?.type !== 'file' || !record) return undefined;
      if (record.entry.uncompressedSize > MAX_METADATA_BYTES) return undefined;
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()),
      });
      await zip.pipeEntry(record, sink, { maxBytes: MAX_METADATA_BYTES, signal });
      return Buffer.concat(chunks).toString('utf8');
    },
    close: () => zip.close(),
  };
}
