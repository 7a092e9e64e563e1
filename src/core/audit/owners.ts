import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { LayerTree } from '../layer/entry.js';

/** The package a file came from, so hints can say "pin numpy" rather than "pin something". */
export interface Owner {
  ecosystem: 'python' | 'node';
  name: string;
}

/**
 * Maps layer files to the Python distribution or npm package that installed them: Python from
 * each `*.dist-info/RECORD`, npm from the `node_modules/<name>` or `node_modules/@scope/name`
 * folder. Auditwheel's `<pkg>.libs/` folders are listed in RECORD, so they map too.
 */
export class Owners {
  /** `<site-packages>/<top-level name>` → distribution name. */
  private readonly python = new Map<string, string>();

  static async load(tree: LayerTree): Promise<Owners> {
    const owners = new Owners();
    for (const entry of tree.entries.values()) {
      const match = /^(.*?)([^/]+)\.dist-info\/RECORD$/.exec(entry.path);
      if (entry.type !== 'file' || !match) continue;
      const file = tree.contentPath(entry.path);
      if (!file) continue;
      const root = (match[1] ?? '').replace(/\/$/, '');
      const dist = (match[2] ?? '').split('-')[0] ?? '';
      const record = await readFile(file, 'utf8').catch(() => '');
      for (const line of record.split('\n')) {
        const path = line.startsWith('"') ? (line.slice(1).split('"')[0] ?? '') : (line.split(',')[0] ?? '');
        const top = path.split('/')[0];
        if (!top || top === '..' || top.endsWith('.dist-info')) continue;
        const key = root === '' ? top : `${root}/${top}`;
        if (!owners.python.has(key)) owners.python.set(key, dist);
      }
    }
    return owners;
  }

  ownerOf(path: string): Owner | undefined {
    const node = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(path);
    if (node?.[1]) return { ecosystem: 'node', name: node[1] };
    for (let dir = path; dir !== '.' && dir !== ''; dir = posix.dirname(dir)) {
      const dist = this.python.get(dir);
      if (dist) return { ecosystem: 'python', name: dist };
    }
    return undefined;
  }
}
