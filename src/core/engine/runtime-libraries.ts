import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobFailedError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { ContainerEngine } from './container-engine.js';

/** Library folders of a Lambda runtime image, plus Debian's multiarch ones for the stand-in. */
const LIBRARY_DIRS = [
  '/lib',
  '/lib64',
  '/usr/lib',
  '/usr/lib64',
  '/var/lang/lib',
  '/var/runtime',
  '/var/runtime/lib',
];

/**
 * The shared libraries (by file name, as the loader looks them up) that a runtime image provides.
 * Read from the image itself in a throw-away container, and cached by image id.
 */
export async function readRuntimeLibraries(
  engine: ContainerEngine,
  image: string,
  options: { cacheDir: string; signal?: AbortSignal },
): Promise<string[]> {
  const id = await engine.imageId(image);
  if (!id)
    throw new JobFailedError(`runtime image ${image} is not in the engine`, {
      hint: 'build or pull the base first',
    });
  const cacheFile = join(options.cacheDir, 'runtime-libraries', `${id.replace(/^sha256:/, '')}.txt`);
  if (existsSync(cacheFile))
    return (await readFile(cacheFile, 'utf8')).split('\n').filter((l) => l.length > 0);
  const names = new Set<string>();
  const script = `find -H ${LIBRARY_DIRS.join(' ')} -maxdepth 2 \\( -name '*.so' -o -name '*.so.*' \\) 2>/dev/null | sed 's#.*/##'`;
  const run = await engine.runContainer(
    {
      image,
      entrypoint: ['/bin/sh', '-c'],
      command: [script],
      env: {},
      network: 'none',
      readOnlyRootFs: true,
    },
    (line) => {
      if (/^[\w.+-]+\.so(\.[\w.]+)?$/.test(line.trim())) names.add(line.trim());
    },
    options.signal,
  );
  await engine.removeContainer(run.id);
  if (names.size === 0) throw new JobFailedError(`could not list the libraries of ${image}`);
  const sorted = [...names].sort();
  await mkdir(join(options.cacheDir, 'runtime-libraries'), { recursive: true });
  await writeFileAtomic(cacheFile, sorted.join('\n') + '\n');
  return sorted;
}
