import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type TreeSpec = Record<
  string,
  { file: string | Buffer; mode?: number } | { dir: true; mode?: number } | { link: string }
>;

/** Writes a layer tree from a spec; parents are created 0755 unless listed. */
export async function makeTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [path, what] of Object.entries(spec)) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    if ('file' in what) {
      await writeFile(abs, what.file);
      await chmod(abs, what.mode ?? 0o644);
    } else if ('dir' in what) {
      await mkdir(abs, { recursive: true });
      await chmod(abs, what.mode ?? 0o755);
    } else {
      await symlink(what.link, abs);
    }
  }
}

/** Runs an external program (Info-ZIP, python3); a missing program fails the test. */
export function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): string {
  return execFileSync(command, args, {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a Python snippet with argv; returns its stdout parsed as JSON. */
export function python<T>(code: string, args: string[] = []): T {
  return JSON.parse(run('python3', ['-c', code, ...args])) as T;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** `zipinfo -l`-free parse of `zipinfo` lines: permission string and name per entry. */
export function zipinfoModes(zipPath: string): Map<string, { perms: string; date: string }> {
  const result = new Map<string, { perms: string; date: string }>();
  for (const line of run('zipinfo', [zipPath]).split('\n')) {
    // -rw-r--r--  4.5 unx        0 bl defN 80-Jan-01 00:00 a-c
    const match = /^([-dl][-rwxsStT]{9})\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+(\S+ \S+) (.+)$/.exec(line);
    if (match?.[1] && match[2] && match[3]) result.set(match[3], { perms: match[1], date: match[2] });
  }
  return result;
}

/**
 * Builds a zip by hand with Python's zipfile, setting each entry's unix mode in the external
 * attributes: the way to get zips layerforge itself would never write.
 * Entries: [name, content, st_mode (with type bits), createSystem (3 unix, 0 DOS)].
 */
export function handMadeZip(zipPath: string, entries: [string, string, number, number?][]): void {
  const code = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data, mode, system in json.loads(sys.argv[2]):
        info = zipfile.ZipInfo(name, date_time=(2021, 6, 1, 12, 0, 0))
        info.create_system = system
        info.external_attr = (mode << 16) | (0x10 if name.endswith('/') else 0)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
print(json.dumps(True))
`;
  python(code, [zipPath, JSON.stringify(entries.map(([n, d, m, s]) => [n, d, m, s ?? 3]))]);
}
