import { posix } from 'node:path';
import { ET_DYN, ET_EXEC } from './elf/constants.js';
import type { ElfInfo } from './elf/read-elf.js';
import { resolveLayerPath } from './layer-tree.js';
import type { LayerTree } from './layer-tree.js';
import type { AuditFinding, AuditTarget } from './types.js';

/** An ELF file the kernel would exec (not merely a library ld.so maps). */
export function isElfExecutable(elf: ElfInfo): boolean {
  if (elf.type === ET_EXEC) return true;
  return elf.type === ET_DYN && (elf.pie || (elf.interpreter !== undefined && elf.soname === undefined));
}

/**
 * Where the runtime will not look, modes a non-root function cannot use, and symlinks that
 * dangle or leave /opt.
 */
export function checkLayout(
  tree: LayerTree,
  elfs: Map<string, ElfInfo>,
  target: AuditTarget,
): AuditFinding[] {
  const findings: AuditFinding[] = [...outsideFindings(tree, target)];
  const paths = [...tree.entries.keys()].sort();
  const unreadableDirs: string[] = [];
  for (const path of paths) {
    const entry = tree.entries.get(path);
    if (!entry) continue;
    if (unreadableDirs.some((dir) => path.startsWith(dir + '/'))) continue;
    if (entry.kind === 'dir') {
      if ((entry.mode & 0o005) !== 0o005) {
        unreadableDirs.push(path);
        findings.push({
          severity: 'error',
          code: 'not-world-readable',
          file: path,
          reason: `folder mode ${octal(entry.mode)}: the function's non-root user cannot list or enter it`,
          hint: 'make folders 0755 (chmod -R a+rX) before zipping; layerforge build does',
        });
      }
      continue;
    }
    if (entry.kind === 'symlink') {
      findings.push(...symlinkFindings(tree, path, entry.linkTarget ?? ''));
      continue;
    }
    if ((entry.mode & 0o004) === 0) {
      findings.push({
        severity: 'error',
        code: 'not-world-readable',
        file: path,
        reason: `mode ${octal(entry.mode)}: the function runs as a non-root user and cannot read it`,
        hint: 'make files 0644 (0755 for programs) before zipping; layerforge build does',
      });
    }
    const elf = elfs.get(path);
    const program =
      path.startsWith('bin/') || path === 'bootstrap' || (elf !== undefined && isElfExecutable(elf));
    if (program && (entry.mode & 0o001) === 0) {
      findings.push({
        severity: 'error',
        code: 'not-executable',
        file: path,
        reason: `${path === 'bootstrap' ? 'the custom runtime bootstrap' : elf ? 'an executable' : 'a program in bin/'} with mode ${octal(entry.mode)}: it cannot be run by the function's user`,
        hint: 'set its exec bit (chmod 755) before zipping; zips made on Windows lose it',
      });
    }
  }
  return findings;
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}

function symlinkFindings(tree: LayerTree, path: string, linkTarget: string): AuditFinding[] {
  const resolved = resolveLayerPath(tree.entries, path);
  if (resolved.kind === 'outside') {
    return [
      {
        severity: 'error',
        code: 'escaping-symlink',
        file: path,
        reason: `points outside the layer (${linkTarget} → ${resolved.target}); in /opt it would resolve against the runtime image, not the layer`,
        hint: 'make it a relative link to a file inside the layer, or copy the file in',
      },
    ];
  }
  if (resolved.kind === 'missing' || resolved.kind === 'loop') {
    return [
      {
        severity: 'warning',
        code: 'dangling-symlink',
        file: path,
        reason:
          resolved.kind === 'loop'
            ? `symlink loop through ${linkTarget}`
            : `points to ${linkTarget}, which is not in the layer`,
        hint: 'add the target to the layer, or remove the link',
      },
    ];
  }
  return [];
}

/** Paths under `python/lib/` or `nodejs/nodeNN/` that belong to another language version. */
function otherVersionFolder(path: string, target: AuditTarget): string | undefined {
  const { runtime } = target;
  const py = /^python\/lib\/python(\d+\.\d+)\//.exec(path);
  if (py?.[1] && runtime.family === 'python' && py[1] !== runtime.version) return `python/lib/python${py[1]}`;
  const node = /^nodejs\/node(\d+)\/node_modules\//.exec(path);
  if (node?.[1] && runtime.family === 'nodejs' && node[1] !== runtime.version.split('.')[0])
    return `nodejs/node${node[1]}`;
  return undefined;
}

function outsideFindings(tree: LayerTree, target: AuditTarget): AuditFinding[] {
  const searched = target.runtime.layerPaths;
  // One finding per top-level folder (or other-version folder), not one per file.
  const groups = new Map<string, { count: number; otherVersion: boolean }>();
  for (const entry of tree.entries.values()) {
    if (entry.kind === 'dir') continue;
    const other = otherVersionFolder(entry.path, target);
    const inside = searched.some((p) => entry.path === p || entry.path.startsWith(p + '/'));
    if (inside && !other) continue;
    const key = other ?? entry.path.split('/')[0] ?? entry.path;
    const group = groups.get(key) ?? { count: 0, otherVersion: other !== undefined };
    group.count++;
    groups.set(key, group);
  }
  return [...groups].map(([key, { count, otherVersion }]) => ({
    severity: 'warning' as const,
    code: 'outside-runtime-paths' as const,
    file: key,
    reason:
      `${count} file${count === 1 ? '' : 's'} outside the paths ${target.runtime.id} searches (${searched.join(', ')})` +
      (otherVersion ? `: ${posix.basename(key)} is another language version's folder` : ''),
    hint: otherVersion
      ? `build the layer for ${target.runtime.id}, whose folder is ${searched[1] ?? searched[0] ?? ''}`
      : `move it under ${searched[0] ?? 'lib'}/ (or bin/, lib/), or leave it out of the layer`,
  }));
}
