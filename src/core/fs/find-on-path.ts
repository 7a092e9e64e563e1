import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { isFile } from './is-file.js';

/** The first executable file called `name` in the environment's PATH, as a shell would find it. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir.length === 0) continue;
    const path = join(dir, name);
    if (!(await isFile(path))) continue;
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // Not executable by us: keep looking, as a shell does.
    }
  }
  return undefined;
}
