import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** True when `path` exists and is a regular file (links followed); false for anything else or nothing. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** isFile for callers that decide before any I/O starts, e.g. how to read a command's argument. */
export function isFileSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
