import type { LayerTree } from '../layer/entry.js';
import { checkLayerLayout } from '../layer/layout-rules.js';
import { ET_DYN, ET_EXEC } from '../elf/constants.js';
import type { ElfInfo } from '../elf/read-elf.js';
import type { AuditFinding, AuditTarget } from './types.js';

/** An ELF file the kernel would exec (not merely a library ld.so maps). */
export function isElfExecutable(elf: ElfInfo): boolean {
  if (elf.type === ET_EXEC) return true;
  return elf.type === ET_DYN && (elf.pie || (elf.interpreter !== undefined && elf.soname === undefined));
}

/**
 * The layout rules `inspect` applies too (search paths, modes, links), told besides which
 * files are ELF executables: the audit reads their bytes, so a program outside bin/ is known.
 */
export function checkLayout(
  tree: LayerTree,
  elfs: Map<string, ElfInfo>,
  target: AuditTarget,
): AuditFinding[] {
  const programs = new Set<string>();
  for (const [path, elf] of elfs) if (isElfExecutable(elf)) programs.add(path);
  return checkLayerLayout(tree.entries, { runtime: target.runtime.id, programs });
}
