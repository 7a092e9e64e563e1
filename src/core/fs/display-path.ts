import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative to cwd when it is inside, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
