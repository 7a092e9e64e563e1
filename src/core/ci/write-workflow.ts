import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

export type WorkflowWrite = 'created' | 'replaced' | 'unchanged';

async function currentText(path: string): Promise<string | undefined> {
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found === undefined) return undefined;
  if (!found.isFile()) {
    throw new UserError(`${path} exists and is not a file`, {
      hint: 'give another path with --output, or --stdout to print the workflow',
    });
  }
  return readFile(path, 'utf8');
}

/**
 * Writes a generated workflow to `path` (its folders created), whole or not at all. A file
 * already there with other content is someone's work: it is replaced only with `force`.
 */
export async function writeWorkflowFile(
  path: string,
  text: string,
  options: { force: boolean },
): Promise<WorkflowWrite> {
  const current = await currentText(path);
  if (current === text) return 'unchanged';
  if (current !== undefined && !options.force) {
    throw new UserError(`${path} exists and differs from the workflow generated now`, {
      hint: 'compare with --stdout, then replace it with --force (or write elsewhere with --output)',
    });
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
  return current === undefined ? 'created' : 'replaced';
}
