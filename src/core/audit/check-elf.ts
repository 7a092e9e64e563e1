import { posix } from 'node:path';
import { EM_AARCH64, EM_X86_64, ET_DYN, ET_EXEC, MACHINE_NAMES } from '../elf/constants.js';
import type { ElfInfo } from '../elf/read-elf.js';
import type { LoadAnalysis } from './load-graph.js';
import type { Owner, Owners } from './owners.js';
import type { LibraryResolver } from './resolve-library.js';
import type { AuditFinding, AuditTarget } from './types.js';
import { compareVersions } from './version-limits.js';
import type { OsVersionLimits } from './version-limits.js';

/** Sonames built from glibc's sources: their GLIBC_x.y versions say which glibc is needed. */
const GLIBC_SONAMES = new Set([
  'libc.so.6',
  'libm.so.6',
  'libmvec.so.1',
  'libpthread.so.0',
  'libdl.so.2',
  'librt.so.1',
  'libresolv.so.2',
  'libutil.so.1',
  'libanl.so.1',
  'libnsl.so.1',
  'libcrypt.so.1',
  'libBrokenLocale.so.1',
  'libthread_db.so.1',
  'libc_malloc_debug.so.0',
  'ld-linux-x86-64.so.2',
  'ld-linux-aarch64.so.1',
  'ld-linux.so.2',
]);

const EXPECTED_MACHINE = { x86_64: EM_X86_64, arm64: EM_AARCH64 } as const;

/** The glibc release a version name needs; undefined for names that carry none (GLIBC_PRIVATE). */
export function glibcVersionOf(name: string): string | undefined {
  const plain = /^GLIBC_(\d+\.\d+(?:\.\d+)?)$/.exec(name);
  if (plain?.[1]) return plain[1];
  // Packed relative relocations (DT_RELR) are understood by ld.so from glibc 2.36 on.
  if (name === 'GLIBC_ABI_DT_RELR') return '2.36';
  return undefined;
}

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `e_machine ${machine}`;
}

export interface ElfCheckContext {
  target: AuditTarget;
  resolver: LibraryResolver;
  loads: LoadAnalysis;
  owners: Owners;
  limits: OsVersionLimits | undefined;
}

/** ELF files the loader could map for the target: executables and shared objects of its machine. */
export function isLoadableFor(elf: ElfInfo, target: AuditTarget): boolean {
  return (elf.type === ET_EXEC || elf.type === ET_DYN) && archFinding('', elf, target) === undefined;
}

/** Architecture of every executable and shared object. */
export function checkArchitectures(elfs: Map<string, ElfInfo>, target: AuditTarget): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const [path, elf] of elfs) {
    if (elf.type !== ET_EXEC && elf.type !== ET_DYN) continue;
    const arch = archFinding(path, elf, target);
    if (arch) findings.push(arch);
  }
  return findings;
}

/**
 * Shared libraries and symbol versions of every loadable ELF file (files for another machine
 * never load, so only their architecture is reported).
 */
export function checkLibraries(elfs: Map<string, ElfInfo>, ctx: ElfCheckContext): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const [path, elf] of elfs) {
    if (!isLoadableFor(elf, ctx.target)) continue;
    findings.push(...neededFindings(path, ctx), ...versionFindings(path, elf, ctx));
  }
  return findings;
}

function archFinding(path: string, elf: ElfInfo, target: AuditTarget): AuditFinding | undefined {
  const expected = EXPECTED_MACHINE[target.arch];
  if (elf.machine === expected && elf.bits === 64 && elf.endian === 'little') return undefined;
  const built = `${machineName(elf.machine)} (ELF${elf.bits}${elf.endian === 'big' ? ', big-endian' : ''})`;
  return {
    severity: 'error',
    code: 'arch-mismatch',
    file: path,
    reason: `built for ${built}, but the layer targets ${target.arch}`,
    hint:
      `build the layer with --arch ${target.arch}` +
      (elf.machine === EM_X86_64 || elf.machine === EM_AARCH64
        ? `, or publish this one for ${elf.machine === EM_X86_64 ? 'x86_64' : 'arm64'} functions only`
        : ', or remove this file'),
  };
}

function neededFindings(path: string, ctx: ElfCheckContext): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const [soname, searched] of ctx.loads.missing.get(path) ?? []) {
    const layerDirs = searched.filter((d) => d === '/opt' || d.startsWith('/opt/'));
    const copies = ctx.resolver.copiesInLayer(soname).filter((c) => c !== path);
    const copy = copies[0];
    findings.push({
      severity: 'error',
      code: 'missing-library',
      file: path,
      library: soname,
      reason:
        `needs ${soname}, which is neither on its search path in the layer` +
        ` (${[...new Set(layerDirs)].join(', ') || 'no /opt folder'}) nor in the ${ctx.target.os.name} image` +
        ` (${ctx.target.systemLibraries.source})`,
      hint: copy
        ? `the layer has it at ${copy}, where the loader does not look: move it to lib/, or give ${posix.basename(path)} an RPATH of $ORIGIN/${posix.relative(posix.dirname(path), posix.dirname(copy)) || '.'}`
        : `add it to the recipe's export.libraries, or install the package that provides ${soname} in the build`,
    });
  }
  return findings;
}

function versionFindings(path: string, elf: ElfInfo, ctx: ElfCheckContext): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const tooNewGlibc: { name: string; version: string; file: string }[] = [];
  for (const need of elf.versionNeeds) {
    const required = need.versions.filter((v) => !v.weak).map((v) => v.name);
    for (const found of ctx.loads.resolved.get(path)?.get(need.file) ?? []) {
      if (found.kind === 'layer') {
        // A library without version definitions satisfies any requirement (glibc's dl-version.c).
        if (found.elf.versionDefs.length === 0) continue;
        const defined = new Set(found.elf.versionDefs);
        const absent = required.filter((name) => !defined.has(name)).sort(compareVersionNames);
        const highest = absent[absent.length - 1];
        if (!highest) continue;
        findings.push({
          severity: 'error',
          code: 'symbol-version-too-new',
          file: path,
          library: need.file,
          version: highest,
          reason: `needs ${absent.join(', ')} from ${need.file}, which the layer's ${found.path} does not define`,
          hint: `ship the ${need.file} this file was built against, or rebuild it against the layer's copy`,
        });
        continue;
      }
      if (GLIBC_SONAMES.has(need.file)) {
        for (const name of required) {
          const version = glibcVersionOf(name);
          if (version && compareVersions(version, ctx.target.os.glibc) > 0)
            tooNewGlibc.push({ name, version, file: need.file });
        }
      } else if (need.file === 'libstdc++.so.6' && ctx.limits) {
        const finding = libstdcxxFinding(path, required, ctx);
        if (finding) findings.push(finding);
      }
    }
  }
  if (tooNewGlibc.length > 0) findings.push(glibcFinding(path, tooNewGlibc, ctx));
  return findings;
}

function glibcFinding(
  path: string,
  tooNew: { name: string; version: string; file: string }[],
  ctx: ElfCheckContext,
): AuditFinding {
  tooNew.sort((a, b) => compareVersions(a.version, b.version) || (a.name < b.name ? -1 : 1));
  const highest = tooNew[tooNew.length - 1] ?? { name: '', version: '', file: '' };
  const names = [...new Set(tooNew.map((t) => t.name))];
  const libs = [...new Set(tooNew.map((t) => t.file))].sort();
  const { os } = ctx.target;
  return {
    severity: 'error',
    code: 'glibc-too-new',
    file: path,
    library: highest.file,
    version: highest.name,
    reason: `needs ${names.join(', ')} (from ${libs.join(', ')}): glibc ${highest.version} or newer, but ${os.name} has glibc ${os.glibc}`,
    hint: glibcHint(ctx.owners.ownerOf(path), ctx.target),
  };
}

/** "build on Amazon Linux 2023 (glibc 2.34), or pin numpy to a wheel tagged manylinux_2_34 or lower". */
export function glibcHint(owner: Owner | undefined, target: AuditTarget): string {
  const { os } = target;
  const build = `build it on ${os.name} (glibc ${os.glibc}), which layerforge build does in a matching image`;
  if (owner?.ecosystem === 'python') {
    return `${build}, or pin ${owner.name} to a version with wheels tagged manylinux_${os.glibc.replace('.', '_')} or lower`;
  }
  if (owner?.ecosystem === 'node')
    return `${build}, or use a release of ${owner.name} whose prebuilt binary supports glibc ${os.glibc}`;
  return build;
}

function libstdcxxFinding(path: string, required: string[], ctx: ElfCheckContext): AuditFinding | undefined {
  const limits = ctx.limits?.libstdcxx;
  if (!limits) return undefined;
  const over = required.filter((name) => {
    const cxx = /^GLIBCXX_(\d+(?:\.\d+)+)$/.exec(name);
    if (cxx?.[1]) return compareVersions(cxx[1], limits.GLIBCXX) > 0;
    const abi = /^CXXABI_(\d+(?:\.\d+)+)$/.exec(name);
    return abi?.[1] ? compareVersions(abi[1], limits.CXXABI) > 0 : false;
  });
  if (over.length === 0) return undefined;
  over.sort(compareVersionNames);
  const highest = over[over.length - 1] ?? '';
  const { os } = ctx.target;
  const layerCopy = ctx.resolver
    .copiesInLayer('libstdc++.so.6')
    .find((copy) => ctx.resolver.definesVersions(copy, over));
  return {
    severity: 'error',
    code: 'symbol-version-too-new',
    file: path,
    library: 'libstdc++.so.6',
    version: highest,
    reason: `needs ${over.join(', ')} from libstdc++.so.6, but ${os.name} ships libstdc++ from gcc ${limits.gcc} (up to GLIBCXX_${limits.GLIBCXX}, CXXABI_${limits.CXXABI})`,
    hint: layerCopy
      ? `the layer's ${layerCopy} defines them, but the loader finds the image's libstdc++.so.6 first (/lib64 comes before /opt/lib on LD_LIBRARY_PATH): give this file a DT_RPATH (not RUNPATH) to that folder, or link it with -static-libstdc++`
      : `build it with the ${os.name} toolchain (gcc ${limits.gcc}), or link it with -static-libstdc++`,
  };
}

/** Orders `GLIBCXX_3.4.9` before `GLIBCXX_3.4.29`: by prefix, then numerically. */
function compareVersionNames(a: string, b: string): number {
  const [pa = '', va = '0'] = a.split(/_(?=\d)/);
  const [pb = '', vb = '0'] = b.split(/_(?=\d)/);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return compareVersions(va, vb);
}
