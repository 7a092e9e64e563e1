import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { LayerTree } from '../layer/entry.js';
import type { Owners } from './owners.js';
import type { AuditFinding, AuditTarget } from './types.js';
import { compareVersions } from './version-limits.js';

/** The GNU triplet in CPython's extension suffix for each Lambda arch (sysconfig SOABI). */
const SOABI_PLATFORM = { x86_64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' } as const;
/** The machine name in wheel platform tags. */
const WHEEL_ARCH = { x86_64: 'x86_64', arm64: 'aarch64' } as const;

/**
 * Extension modules and wheels in the layer's python/ tree that the target Python cannot load:
 * a `cpython-XY` tag of another version, build flavour or platform, and wheels whose tags need a
 * newer glibc, another arch or another OS.
 */
export async function checkPython(
  tree: LayerTree,
  target: AuditTarget,
  owners: Owners,
): Promise<AuditFinding[]> {
  if (target.runtime.family !== 'python') return [];
  return [...extensionFindings(tree, target, owners), ...(await wheelFindings(tree, target))];
}

function extensionFindings(tree: LayerTree, target: AuditTarget, owners: Owners): AuditFinding[] {
  const runtimeTag = target.runtime.version.replace('.', '');
  const platform = SOABI_PLATFORM[target.arch];
  // One finding per package and tag: a wrong numpy has dozens of modules with the same cause.
  const groups = new Map<string, { tag: string; files: string[]; owner: string | undefined }>();
  for (const entry of tree.entries.values()) {
    if (entry.type === 'dir' || !entry.path.startsWith('python/')) continue;
    const tag = extensionTag(posix.basename(entry.path));
    if (!tag || tag === `cpython-${runtimeTag}-${platform}`) continue;
    // Right Python, other platform: the ELF arch check reports it, with the arch in its words.
    if (tag.startsWith(`cpython-${runtimeTag}-`) && tag.endsWith('-linux-gnu')) continue;
    const owner = owners.ownerOf(entry.path)?.name;
    const key = `${owner ?? posix.dirname(entry.path)}\0${tag}`;
    const group = groups.get(key) ?? { tag, files: [], owner };
    group.files.push(entry.path);
    groups.set(key, group);
  }
  const findings: AuditFinding[] = [];
  for (const { tag, files, owner } of groups.values()) {
    files.sort();
    const first = files[0] ?? '';
    const built = /^cpython-(\d)(\d+)/.exec(tag);
    const builtFor = built ? `${built[1]}.${built[2]}` : undefined;
    const pkg = owner ?? 'the package';
    findings.push({
      severity: 'error',
      code: 'python-abi-mismatch',
      file: first,
      version: tag,
      reason:
        `${files.length === 1 ? 'extension module' : `${files.length} extension modules, like this one,`} built for ${tag}; ` +
        `python${target.runtime.version} on ${target.arch} imports only cpython-${runtimeTag}-${platform}, abi3 and untagged modules`,
      hint:
        `build the layer for python${target.runtime.version} so pip installs ${pkg}'s cp${runtimeTag} wheels (pin ${pkg} to a version that has them)` +
        (builtFor && builtFor !== target.runtime.version
          ? `, or deploy it with runtime python${builtFor}`
          : ''),
    });
  }
  return findings;
}

/** The ABI tag of an extension module's file name, or undefined for plain, abi3 and non-module files. */
export function extensionTag(name: string): string | undefined {
  if (!name.endsWith('.so') || name.endsWith('.abi3.so')) return undefined;
  const match = /\.((?:cpython|pypy|graalpy)[^.]*-[^.]+)\.so$/.exec(name);
  return match?.[1];
}

interface WheelTag {
  python: string[];
  abi: string;
  platform: string;
}

function parseWheelTags(text: string): WheelTag[] {
  const tags: WheelTag[] = [];
  for (const line of text.split('\n')) {
    const value = /^Tag:\s*(\S+)/.exec(line)?.[1];
    const [python, abi, platform] = value?.split('-') ?? [];
    if (!python || !abi || !platform) continue;
    // Tag lines are meant to be expanded, but a compressed set (a.b) is read as its parts.
    for (const p of platform.split('.'))
      for (const a of abi.split('.')) tags.push({ python: python.split('.'), abi: a, platform: p });
  }
  return tags;
}

type Platform =
  | { kind: 'any' }
  | { kind: 'linux'; arch: string; glibc: string | undefined; tag: string }
  | { kind: 'other'; what: string };

/** manylinux1 = glibc 2.5, manylinux2010 = 2.12, manylinux2014 = 2.17 (PEP 513, 571, 599; PEP 600). */
function platformOf(tag: string): Platform {
  if (tag === 'any') return { kind: 'any' };
  const legacy: Record<string, string> = { manylinux1: '2.5', manylinux2010: '2.12', manylinux2014: '2.17' };
  const old = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(tag);
  if (old?.[1] && old[2]) return { kind: 'linux', arch: old[2], glibc: legacy[old[1]], tag };
  const pep600 = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (pep600?.[3]) return { kind: 'linux', arch: pep600[3], glibc: `${pep600[1]}.${pep600[2]}`, tag };
  const local = /^linux_(.+)$/.exec(tag);
  if (local?.[1]) return { kind: 'linux', arch: local[1], glibc: undefined, tag };
  if (tag.startsWith('musllinux')) return { kind: 'other', what: 'musl libc (Alpine), not glibc' };
  if (tag.startsWith('macosx')) return { kind: 'other', what: 'macOS' };
  if (tag.startsWith('win')) return { kind: 'other', what: 'Windows' };
  return { kind: 'other', what: tag };
}

function pythonOk(tag: WheelTag, version: string): boolean {
  const [major = '3', minor = '0'] = version.split('.');
  const interpreterOk = tag.python.some((p) => {
    if (p === 'py3' || p === `py${major}` || p === `py${major}${minor}`) return true;
    const cp = /^cp(\d)(\d+)$/.exec(p);
    if (!cp) return false;
    // cp3X with abi3 or none means "3.X or newer"; with cp3X as the ABI it means exactly 3.X.
    return tag.abi === 'abi3' || tag.abi === 'none'
      ? compareVersions(`${cp[1]}.${cp[2]}`, version) <= 0
      : `${cp[1]}.${cp[2]}` === version;
  });
  return interpreterOk && (tag.abi === 'none' || tag.abi === 'abi3' || tag.abi === `cp${major}${minor}`);
}

async function wheelFindings(tree: LayerTree, target: AuditTarget): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const arch = WHEEL_ARCH[target.arch];
  const glibc = target.os.glibc;
  for (const entry of tree.entries.values()) {
    if (
      entry.type !== 'file' ||
      !entry.path.startsWith('python/') ||
      !entry.path.endsWith('.dist-info/WHEEL')
    )
      continue;
    const file = tree.contentPath(entry.path);
    if (!file) continue;
    const tags = parseWheelTags(await readFile(file, 'utf8'));
    if (tags.length === 0) continue;
    const dist = posix.basename(posix.dirname(entry.path)).split('-')[0] ?? '';
    const rated = tags.map((tag) => ({
      tag,
      py: pythonOk(tag, target.runtime.version),
      platform: platformOf(tag.platform),
    }));
    const fits = rated.some(
      ({ py, platform }) =>
        py &&
        (platform.kind === 'any' ||
          (platform.kind === 'linux' &&
            platform.arch === arch &&
            (!platform.glibc || compareVersions(platform.glibc, glibc) <= 0))),
    );
    if (fits) continue;
    const linux = rated
      .filter((r) => r.py && r.platform.kind === 'linux')
      .map((r) => r.platform as Extract<Platform, { kind: 'linux' }>);
    const sameArch = linux.filter((p) => p.arch === arch && p.glibc);
    const base = { file: entry.path };
    if (sameArch.length > 0) {
      sameArch.sort((a, b) => compareVersions(a.glibc ?? '0', b.glibc ?? '0'));
      const lowest = sameArch[0] ?? { glibc: '', tag: '' };
      const manylinux = `manylinux_${glibc.replace('.', '_')}`;
      findings.push({
        ...base,
        severity: 'error',
        code: 'wheel-glibc-too-new',
        version: lowest.tag,
        reason: `${dist} is a wheel tagged ${lowest.tag}: it needs glibc ${lowest.glibc}, but ${target.os.name} has glibc ${glibc}`,
        hint: `pin ${dist} to a version with wheels tagged ${manylinux} or lower (pip --platform ${manylinux}_${arch} --only-binary=:all:), or build it from source on ${target.os.name}`,
      });
    } else if (linux.length > 0) {
      const other = [...new Set(linux.map((p) => p.arch))].join(', ');
      findings.push({
        ...base,
        severity: 'error',
        code: 'arch-mismatch',
        reason: `${dist} is a wheel for ${other}, but the layer targets ${target.arch} (${arch})`,
        hint: `build the layer with --arch ${target.arch} so pip installs the ${arch} wheel (--platform manylinux2014_${arch})`,
      });
    } else if (rated.some((r) => r.py && r.platform.kind === 'other')) {
      const what = rated.map((r) => r.platform).find((p) => p.kind === 'other');
      findings.push({
        ...base,
        severity: 'error',
        code: 'wheel-platform-mismatch',
        reason: `${dist} is a wheel for ${what?.kind === 'other' ? what.what : 'another platform'}; Lambda runs Linux with glibc`,
        hint: `install ${dist} with pip --platform manylinux2014_${arch} --only-binary=:all:, as layerforge build does`,
      });
    } else {
      const abi3 = rated.find((r) => r.tag.abi === 'abi3');
      if (abi3) {
        findings.push({
          ...base,
          severity: 'error',
          code: 'python-abi-mismatch',
          version: abi3.tag.python.join('.'),
          reason: `${dist} is a stable-ABI wheel for ${abi3.tag.python.join('.')} or newer; the runtime has Python ${target.runtime.version}`,
          hint: `pin ${dist} to a version whose abi3 wheel supports Python ${target.runtime.version}, or use a newer Python runtime`,
        });
      }
    }
  }
  return findings;
}
