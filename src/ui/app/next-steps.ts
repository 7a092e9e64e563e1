import { isAbsolute, relative } from 'node:path';

/** A path as the user would type it: relative to cwd when it is inside, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The commands to run after a build, with the zip's path filled in. */
export function nextSteps(zipPath: string, cwd: string, region: string | undefined): string[] {
  const zip = displayPath(zipPath, cwd);
  return [`layerforge inspect ${zip}`, `layerforge publish ${zip} --region ${region ?? '<region>'}`];
}
