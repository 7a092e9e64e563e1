import { mkdir, rename, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Moves `from` to `to` (same file system: a rename, whatever the size), creating the
 * destination's folders. When `from` leaves a folder of the layer empty, that folder goes too,
 * up to `root`, so a pruned layer holds no empty directories a rule left behind.
 */
export async function moveOut(from: string, to: string, root: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
  let dir = dirname(from);
  while (dir !== root && dir.startsWith(`${root}/`)) {
    try {
      await rmdir(dir);
    } catch {
      return; // Not empty (or already gone): the rest of the chain stays.
    }
    dir = dirname(dir);
  }
}

/** Moves `from` to `to`, creating the destination's folders (those `moveOut` removed, when moving back). */
export async function moveTo(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
}

/** A removal that can be undone: each path moves between the layer and `sideDir`. */
export interface Removal {
  apply(): Promise<void>;
  revert(): Promise<void>;
}

export function removal(root: string, sideDir: string, paths: readonly string[]): Removal {
  return {
    async apply() {
      for (const path of paths) await moveOut(join(root, path), join(sideDir, path), root);
    },
    async revert() {
      for (const path of [...paths].reverse()) await moveTo(join(sideDir, path), join(root, path));
    },
  };
}
