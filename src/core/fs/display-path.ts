import { isAbsolute, relative } from 'node:path';

/**
 * A path as the user would type it: relative to cwd when it is inside, absolute otherwise.
 * Without a working folder (a library caller), the absolute path is the unambiguous name.
 */
export function displayPath(path: string, cwd: string | undefined): string {
  if (cwd === undefined) return path;
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
