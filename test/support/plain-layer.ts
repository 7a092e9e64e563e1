import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const auditFixtures = join(import.meta.dirname, '../fixtures/audit');

export interface PlainLayerSpec {
  /** Relative path → content; a `bin/` file is made executable. */
  files?: Record<string, string>;
  /** Relative path → link target, kept as a link in the zip (`zip -y`). */
  symlinks?: Record<string, string>;
  /** Relative path of a shared library compiled here with gcc for this machine (x86_64). */
  hostLibrary?: string;
}

/**
 * A layer folder laid out as /opt, zipped the way a user would without layerforge: Info-ZIP's
 * `zip -r -y` from inside the folder, no manifest beside the zip.
 */
export async function makePlainLayerZip(dir: string, name: string, spec: PlainLayerSpec): Promise<string> {
  // Built beside the zip, in the caller's folder (as makeLayerZip does), and removed after.
  await mkdir(dir, { recursive: true });
  const tree = await mkdtemp(join(dir, '.plain-tree-'));
  try {
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await writeFile(join(tree, path), content);
      await chmod(join(tree, path), path.startsWith('bin/') ? 0o755 : 0o644);
    }
    if (spec.hostLibrary !== undefined) {
      const library = join(tree, spec.hostLibrary);
      await mkdir(dirname(library), { recursive: true });
      await exec('gcc', ['-shared', '-fPIC', '-o', library, join(auditFixtures, 'answer.c')]);
    }
    for (const [path, target] of Object.entries(spec.symlinks ?? {})) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await symlink(target, join(tree, path));
    }
    const zipPath = join(dir, `${name}.zip`);
    await exec('zip', ['-q', '-r', '-y', zipPath, '.'], { cwd: tree });
    return zipPath;
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}
