// Runs layerforge in-process with captured output, and snapshots folders to prove a command
// wrote nothing. Shared by the CLI tests and the malformed-recipe tests.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, lstat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** A valid user recipe, for tests that need one beside a broken one. */
export const GOOD = `name: good
version: 1.0.0
summary: A valid user recipe
license: MIT
homepage: https://example.com/good
runtimes: [python3.12]
architectures: [arm64]
install:
  python:
    requirements: [six]
`;

// The one CLI harness, re-exported here for the CLI and malformed-recipe tests: the command
// sees only the `env` given (default none), so no LAYERFORGE_* variable of this machine leaks in.
export { runLayerforge, type CliRun, type RunOptions } from '../support/run-cli.js';

/** Writes files given as `relative path → content` under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Every entry under `root` with its kind, mode, size, mtime and content hash: equal snapshots mean nothing was written. */
export async function snapshotTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      const stat = await lstat(path);
      const rel = relative(root, path);
      if (entry.isDirectory()) {
        out.push(`d ${rel} ${stat.mode.toString(8)}`);
        await walk(path);
      } else {
        const hash = entry.isFile()
          ? createHash('sha256')
              .update(await readFile(path))
              .digest('hex')
          : '';
        out.push(`f ${rel} ${stat.mode.toString(8)} ${stat.size} ${stat.mtimeMs} ${hash}`);
      }
    }
  };
  await walk(root);
  return out;
}
