import { posix } from 'node:path';
import { EM_386, EM_AARCH64, EM_ARM, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64 } from '../elf/constants.js';
import type { ElfInfo } from '../elf/read-elf.js';
import { checkArchitectures, isLoadableFor, machineName } from './check-elf.js';
import type { LoadAnalysis } from './load-graph.js';
import type { AuditFinding, AuditTarget } from './types.js';

/** How package authors name each machine in folder and file names (linux-arm64, -aarch64-linux-gnu.so). */
const ARCH_NAMES: Readonly<Record<number, readonly string[]>> = {
  [EM_X86_64]: ['x86_64', 'x86-64', 'amd64', 'x64'],
  [EM_AARCH64]: ['aarch64', 'arm64'],
  [EM_386]: ['i386', 'i686', 'ia32'],
  [EM_ARM]: ['armv7l', 'armv7', 'armhf'],
  [EM_PPC64]: ['powerpc64le', 'ppc64le', 'powerpc64', 'ppc64'],
  [EM_S390]: ['s390x'],
  [EM_RISCV]: ['riscv64'],
};
const TARGET_MACHINE = { x86_64: EM_X86_64, arm64: EM_AARCH64 } as const;

/** Matches one of `names` as a whole word of a path: `linux-arm64/`, `.cpython-311-aarch64-linux-gnu.so`. */
function wordsOf(names: readonly string[]): RegExp {
  return new RegExp(
    `(?<![A-Za-z0-9])(?:${names.map((n) => n.replace(/[-]/g, '\\-')).join('|')})(?![A-Za-z0-9])`,
    'g',
  );
}

/**
 * The same path with the file's machine named as the target's instead, in each spelling:
 * `linux-arm64/selenium-manager` → `linux-x86_64/selenium-manager`, `linux-x64/...`, ...
 */
function targetSpellings(path: string, machine: number, target: number): string[] {
  const own = ARCH_NAMES[machine];
  const theirs = ARCH_NAMES[target] ?? [];
  if (!own) return [];
  const words = wordsOf(own);
  return theirs.map((name) => path.replace(words, name)).filter((p) => p !== path);
}

/** Folders the runtime searches by itself for programs and libraries: PATH's /opt/bin, LD_LIBRARY_PATH's /opt/lib. */
function onSearchPath(path: string): boolean {
  const dir = posix.dirname(path);
  return path === 'bootstrap' || dir === 'bin' || dir === 'lib';
}

/** Every layer file the simulated loader maps for some ELF file of the target's machine. */
function loadedFiles(loads: LoadAnalysis): Set<string> {
  const loaded = new Set<string>();
  for (const bySoname of loads.resolved.values())
    for (const results of bySoname.values())
      for (const result of results) if (result.kind === 'layer') loaded.add(result.path);
  return loaded;
}

/** Why a foreign file is unused: its target-arch twin is used instead, or only unused files need it. */
export interface UnusedReason {
  kind: 'twin' | 'needed-by';
  other: string;
}

/**
 * The ELF files for another machine that nothing loads: per-platform copies a package carries
 * beside the one for the target, and picks from at run time (selenium's wheel vendors
 * `linux-arm64/selenium-manager` beside `linux-x86_64/selenium-manager`; npm prebuilds, sharp's
 * per-platform packages, `*-aarch64-linux-gnu.so` beside `*-x86_64-linux-gnu.so`). A file is one
 * when the layer has its target-arch twin (the same path with the machine named for the target),
 * the loader maps it for no ELF file of the target (`loads`, from load-graph.ts), and it is not
 * in bin/ or lib/, where the runtime looks by itself; and the libraries only such copies need by
 * name. Returned as file → why. A foreign file
 * without such a twin is what the code will reach for at run time, and stays an error.
 */
export function unusedForeignCopies(
  elfs: ReadonlyMap<string, ElfInfo>,
  loads: LoadAnalysis,
  target: AuditTarget,
): Map<string, UnusedReason> {
  const loadable = (elf: ElfInfo) => isLoadableFor(elf, target);
  const loaded = loadedFiles(loads);
  const targetMachine = TARGET_MACHINE[target.arch];
  const unused = new Map<string, UnusedReason>();
  for (const [path, elf] of elfs) {
    if (loadable(elf) || onSearchPath(path) || loaded.has(path)) continue;
    const twin = targetSpellings(path, elf.machine, targetMachine).find((p) => {
      const other = elfs.get(p);
      return other !== undefined && loadable(other);
    });
    if (twin) unused.set(path, { kind: 'twin', other: twin });
  }
  // Their own libraries for that machine (auditwheel's *.libs/ of a wheel that vendors every
  // platform, as aws-psycopg2 does) are unused too when only unused copies need them by name.
  const usersOf = new Map<string, string[]>();
  for (const [path, elf] of elfs)
    for (const name of elf.needed) usersOf.set(name, [...(usersOf.get(name) ?? []), path]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [path, elf] of elfs) {
      if (unused.has(path) || loadable(elf) || onSearchPath(path) || loaded.has(path)) continue;
      const byName = usersOf.get(posix.basename(path)) ?? [];
      const bySoname = elf.soname ? (usersOf.get(elf.soname) ?? []) : [];
      const users = [...new Set([...byName, ...bySoname])];
      const first = users[0];
      if (first !== undefined && users.every((user) => unused.has(user))) {
        unused.set(path, { kind: 'needed-by', other: first });
        grew = true;
      }
    }
  }
  return unused;
}

/**
 * The architecture of every executable and shared object (check-elf.ts's `arch-mismatch`), with
 * the per-platform copies nothing loads reported as a warning, `foreign-arch-unused`, instead:
 * they cost space, not a failure.
 */
export function checkForeignArchitectures(
  elfs: Map<string, ElfInfo>,
  loads: LoadAnalysis,
  target: AuditTarget,
): AuditFinding[] {
  const unused = unusedForeignCopies(elfs, loads, target);
  return checkArchitectures(elfs, target).map((finding): AuditFinding => {
    const why = unused.get(finding.file);
    const elf = elfs.get(finding.file);
    if (why === undefined || elf === undefined) return finding;
    const because =
      why.kind === 'twin'
        ? `the package uses its ${target.arch} copy, ${why.other}`
        : `only other unused ${machineName(elf.machine)} files need it, such as ${why.other}`;
    return {
      severity: 'warning',
      code: 'foreign-arch-unused',
      file: finding.file,
      reason: `built for ${machineName(elf.machine)}, not ${target.arch}; nothing in the layer loads it and it is not on a search path: ${because}`,
      hint: `it only takes space: remove it with the recipe's prune.remove ('${posix.dirname(finding.file)}/**' if that folder holds only ${machineName(elf.machine)} files)`,
    };
  });
}
