import { displayPath } from '../../core/fs/display-path.js';

/** The commands to run after a build, with the zip's path filled in. */
export function nextSteps(zipPath: string, cwd: string, region: string | undefined): string[] {
  const zip = displayPath(zipPath, cwd);
  return [`layerforge inspect ${zip}`, `layerforge publish ${zip} --region ${region ?? '<region>'}`];
}
