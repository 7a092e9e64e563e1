import { join } from 'node:path';
import type { LayerEntry, LayerTree } from './entry.js';
import { walkLayerTree } from './tree.js';

/**
 * Reads a layer folder for the audit with the build's walker, not strictly: links that leave
 * the layer are kept for the layout rules to report. Modes and links are the folder's own.
 */
export async function readLayerDir(root: string, signal?: AbortSignal): Promise<LayerTree> {
  const entries = new Map<string, LayerEntry>();
  for await (const { absolutePath: _, ...entry } of walkLayerTree(root, { signal, strict: false })) {
    entries.set(entry.path, entry);
  }
  return {
    entries,
    contentPath: (path) => (entries.get(path)?.type === 'file' ? join(root, path) : undefined),
    cleanup: async () => {},
  };
}
