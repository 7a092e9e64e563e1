/**
 * The audit against real native binaries that nobody on this project wrote: Debian 12 packages,
 * manylinux wheels from PyPI for both arches, and prebuilt binaries inside npm packages. Every
 * ELF fact the audit relies on is checked against GNU readelf on the same file. The inputs are
 * fetched and cached by test/support/fetch-real-binaries.ts; a failed fetch fails these tests.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLayer } from '../../src/core/audit/audit-layer.js';
import { glibcVersionOf } from '../../src/core/audit/check-elf.js';
import { readElf } from '../../src/core/elf/read-elf.js';
import { systemLibrariesFromList } from '../../src/core/audit/system-libraries.js';
import { resolveAuditTarget } from '../../src/core/audit/target.js';
import type { AuditFinding, AuditResult, AuditTarget } from '../../src/core/audit/types.js';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { fetchDebianPackage, fetchNpmPackage, fetchWheel } from '../support/fetch-real-binaries.js';
import type { WheelSpec } from '../support/fetch-real-binaries.js';
import { compare, elfFilesUnder, readelfFacts, readelfMaxGlibc } from '../support/readelf-oracle.js';
import { sharedTempDir } from '../support/temp-dir.js';

// Exact versions: the same bytes on every run. When Debian's mirror drops one, move the pin.
const DEBS = {
  jq: '1.6-2.1+deb12u3',
  libjq1: '1.6-2.1+deb12u3',
  libonig5: '6.9.8-1',
  'libstdc++6': '12.2.0-14+deb12u1',
  'libgcc-s1': '12.2.0-14+deb12u1',
  libexpat1: '2.5.0-1+deb12u5',
  'libc-bin': '2.36-9+deb12u14',
  libc6: '2.36-9+deb12u14',
  zlib1g: '1:1.2.13.dfsg-1',
  'ninja-build': '1.11.1-2~deb12u1',
} as const;
const WHEELS = {
  numpy311x86: { name: 'numpy', version: '1.26.4', platform: 'manylinux2014_x86_64', pythonVersion: '3.11' },
  numpy311arm: { name: 'numpy', version: '1.26.4', platform: 'manylinux2014_aarch64', pythonVersion: '3.11' },
  numpy312x86: { name: 'numpy', version: '1.26.4', platform: 'manylinux2014_x86_64', pythonVersion: '3.12' },
  cryptoX86: {
    name: 'cryptography',
    version: '43.0.3',
    platform: 'manylinux_2_28_x86_64',
    pythonVersion: '3.12',
  },
  cryptoArm: {
    name: 'cryptography',
    version: '43.0.3',
    platform: 'manylinux_2_28_aarch64',
    pythonVersion: '3.12',
  },
  cffiI686: { name: 'cffi', version: '1.17.1', platform: 'manylinux2014_i686', pythonVersion: '3.11' },
  cffiS390x: { name: 'cffi', version: '1.17.1', platform: 'manylinux2014_s390x', pythonVersion: '3.11' },
} satisfies Record<string, WheelSpec>;
const NPM = {
  esbuildArm: ['@esbuild/linux-arm64', '0.24.0'],
  esbuildX64: ['@esbuild/linux-x64', '0.24.0'],
  sharpX64: ['@img/sharp-linux-x64', '0.33.5'],
  vipsX64: ['@img/sharp-libvips-linux-x64', '1.0.4'],
  sharpArm: ['@img/sharp-linux-arm64', '0.33.5'],
  vipsArm: ['@img/sharp-libvips-linux-arm64', '1.0.4'],
  swcX64: ['@swc/core-linux-x64-gnu', '1.9.3'],
} as const;

const deb: Record<string, string> = {};
const wheel: Record<string, string> = {};
const npm: Record<string, string> = {};
const scratch = sharedTempDir('lf-audit-real-');

beforeAll(async () => {
  for (const [name, version] of Object.entries(DEBS)) deb[name] = await fetchDebianPackage(name, version);
  for (const [key, spec] of Object.entries(WHEELS)) wheel[key] = (await fetchWheel(spec)).dir;
  for (const [key, [name, version]] of Object.entries(NPM)) npm[key] = await fetchNpmPackage(name, version);
}, 900_000);

/** A layer folder assembled from [source folder, destination in the layer] pairs. */
function layer(name: string, parts: [string, string][]): string {
  const root = join(scratch.path, name);
  rmSync(root, { recursive: true, force: true });
  for (const [from, to] of parts) {
    mkdirSync(join(root, to), { recursive: true });
    cpSync(from, join(root, to), { recursive: true, verbatimSymlinks: true });
  }
  return root;
}

async function target(
  runtime: string,
  arch: Architecture,
  os?: string,
  sonames?: string[],
): Promise<AuditTarget> {
  return resolveAuditTarget({
    runtime,
    arch,
    os,
    systemLibraries: sonames ? systemLibrariesFromList('test', sonames) : undefined,
  });
}

const errorsOf = (r: AuditResult) => r.findings.filter((f) => f.severity === 'error');
const summary = (fs: AuditFinding[]) => fs.map((f) => `${f.code} ${f.file}`).sort();

/**
 * The audit's glibc findings must be exactly the loadable files whose readelf -V needs a newer
 * glibc than the target's, each naming readelf's highest requirement; and every missing
 * library must be one of readelf's (NEEDED) entries of that file.
 */
function expectAgreesWithReadelf(root: string, result: AuditResult, t: AuditTarget, machine: string): void {
  const expected: string[] = [];
  const highest = new Map<string, string>();
  for (const path of elfFilesUnder(root)) {
    const facts = readelfFacts(join(root, path));
    if (facts.machine !== machine || !/^(DYN|EXEC)$/.test(facts.type)) continue;
    const max = readelfMaxGlibc(facts);
    if (max && compare(max.version, t.os.glibc) > 0) {
      expected.push(path);
      highest.set(path, max.version);
    }
  }
  const glibc = result.findings.filter((f) => f.code === 'glibc-too-new');
  expect(glibc.map((f) => f.file).sort()).toEqual(expected.sort());
  for (const f of glibc) expect(glibcVersionOf(f.version ?? ''), f.file).toBe(highest.get(f.file));
  for (const f of result.findings.filter((x) => x.code === 'missing-library')) {
    expect(readelfFacts(join(root, f.file)).needed, f.file).toContain(f.library);
  }
}

const X86 = 'Advanced Micro Devices X86-64';
const ARM = 'AArch64';

describe('our ELF reader agrees with readelf -V -d on every real ELF file', () => {
  const trees = () => [
    ...Object.entries(deb).map(([k, v]) => [`deb ${k}`, v] as const),
    ...Object.entries(wheel).map(([k, v]) => [`wheel ${k}`, v] as const),
    ...Object.entries(npm).map(([k, v]) => [`npm ${k}`, v] as const),
  ];

  it('for all Debian packages, wheels and npm packages', async () => {
    let checked = 0;
    const machines = new Set<number>();
    for (const [label, root] of trees()) {
      for (const path of elfFilesUnder(root)) {
        const ours = await readElf(join(root, path));
        const oracle = readelfFacts(join(root, path));
        const where = `${label}: ${path}`;
        expect(ours, where).toBeDefined();
        if (!ours) continue;
        machines.add(ours.machine);
        expect(ours.bits, where).toBe(oracle.bits);
        expect(ours.endian, where).toBe(oracle.endian);
        expect(ours.needed, where).toEqual(oracle.needed);
        expect(ours.soname, where).toBe(oracle.soname);
        expect(ours.rpath, where).toEqual(oracle.rpath);
        expect(ours.runpath, where).toEqual(oracle.runpath);
        expect(new Map(ours.versionNeeds.map((n) => [n.file, n.versions.map((v) => v.name)])), where).toEqual(
          oracle.versionNeeds,
        );
        expect(ours.versionDefs, where).toEqual(oracle.versionDefs);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    // x86_64, aarch64, i386 (ELF32) and s390x (big-endian ELF64) all went through the reader.
    expect([...machines].sort((a, b) => a - b)).toEqual([3, 22, 62, 183]);
  });
});

describe('Debian 12 binaries that need a glibc newer than 2.34', () => {
  let root: string;
  let debianLibs: string[];
  beforeAll(() => {
    const lib = (pkg: string, dir: string) => [join(deb[pkg] ?? '', dir), 'lib'] as [string, string];
    root = layer('debian', [
      [join(deb.jq ?? '', 'usr/bin'), 'bin'],
      [join(deb['ninja-build'] ?? '', 'usr/bin'), 'bin'],
      lib('libjq1', 'usr/lib/x86_64-linux-gnu'),
      lib('libonig5', 'usr/lib/x86_64-linux-gnu'),
      lib('libstdc++6', 'usr/lib/x86_64-linux-gnu'),
      lib('libgcc-s1', 'lib/x86_64-linux-gnu'),
      lib('libexpat1', 'lib/x86_64-linux-gnu'),
    ]);
    mkdirSync(join(root, 'bin'), { recursive: true });
    cpSync(join(deb['libc-bin'] ?? '', 'usr/bin/getconf'), join(root, 'bin/getconf'));
    cpSync(join(deb['libc-bin'] ?? '', 'usr/bin/iconv'), join(root, 'bin/iconv'));
    // The debian12 image's libraries: the sonames shipped by the packages a minimal Debian has.
    debianLibs = ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g'].flatMap((pkg) =>
      readdirSync(deb[pkg] ?? '', { recursive: true })
        .map((p) => String(p).split('/').pop() ?? '')
        .filter((name) => /\.so\.\d/.test(name)),
    );
  });

  it('are real: readelf shows them needing GLIBC_2.35, GLIBC_2.36 or GLIBC_ABI_DT_RELR', () => {
    const needs = (path: string) => readelfMaxGlibc(readelfFacts(join(root, path)));
    expect(needs('lib/libgcc_s.so.1')?.name).toBe('GLIBC_2.35');
    expect(needs('lib/libstdc++.so.6.0.30')?.version).toBe('2.36');
    expect(needs('lib/libexpat.so.1.8.10')?.version).toBe('2.36');
    expect(needs('bin/getconf')?.name).toBe('GLIBC_ABI_DT_RELR');
    expect(debianLibs).toEqual(
      expect.arrayContaining(['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libz.so.1']),
    );
    expect(debianLibs).not.toContain('libonig.so.5');
  });

  it('are flagged for Amazon Linux 2023, each file with readelf’s highest version', async () => {
    const t = await target('provided.al2023', 'x86_64');
    const result = await auditLayer(root, t);
    expectAgreesWithReadelf(root, result, t, X86);
    expect(summary(errorsOf(result))).toEqual(
      [
        'bin/getconf',
        'bin/iconv',
        'lib/libexpat.so.1.8.10',
        'lib/libgcc_s.so.1',
        'lib/libjq.so.1.0.4',
        'lib/libstdc++.so.6.0.30',
      ].map((f) => `glibc-too-new ${f}`),
    );
    expect(result.findings.find((f) => f.file === 'lib/libgcc_s.so.1')?.reason).toContain(
      'Amazon Linux 2023 has glibc 2.34',
    );
  });

  it('pass for the debian12 stand-in, whose glibc is 2.36', async () => {
    const t = await target('provided.al2023', 'x86_64', 'debian12', debianLibs);
    const result = await auditLayer(root, t);
    expectAgreesWithReadelf(root, result, t, X86);
    expect(result.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['info stand-in-base']);
  });

  it('need a newer libstdc++ than Amazon Linux 2 has, and the layer’s own copy does not help', async () => {
    const t = await target('provided.al2', 'x86_64');
    const result = await auditLayer(root, t);
    expectAgreesWithReadelf(root, result, t, X86);
    const ninja = result.findings.find((f) => f.file === 'bin/ninja' && f.code === 'symbol-version-too-new');
    const oracle = readelfFacts(join(root, 'bin/ninja')).versionNeeds.get('libstdc++.so.6') ?? [];
    expect(oracle).toContain(ninja?.version);
    expect(ninja?.version).toBe('GLIBCXX_3.4.29');
    expect(ninja?.hint).toContain("layer's lib/libstdc++.so.6 defines them");
  });

  it('report a deleted library by name, from the file that needs it', async () => {
    const broken = layer('debian-broken', [[root, '.']]);
    rmSync(join(broken, 'lib/libonig.so.5.3.0'));
    const t = await target('provided.al2023', 'x86_64', 'debian12', debianLibs);
    const result = await auditLayer(broken, t);
    expectAgreesWithReadelf(broken, result, t, X86);
    expect(summary(result.findings)).toEqual([
      'dangling-symlink lib/libonig.so.5',
      'missing-library lib/libjq.so.1.0.4',
      'stand-in-base .',
    ]);
    expect(result.findings.find((f) => f.code === 'missing-library')?.library).toBe('libonig.so.5');
  });

  it('give the same findings from a zip made by Info-ZIP', async () => {
    const zip = join(scratch.path, 'debian.zip');
    execFileSync('zip', ['-q', '-r', '-y', zip, '.'], { cwd: root });
    const t = await target('provided.al2023', 'x86_64');
    const fromZip = await auditLayer(zip, t);
    const fromDir = await auditLayer(root, t);
    expect(fromZip.findings).toEqual(fromDir.findings);
    expect(fromZip.elfFiles).toBe(fromDir.elfFiles);
  });
});

describe('manylinux wheels from PyPI', () => {
  it('numpy 1.26.4 (auditwheel-vendored openblas, gfortran) passes for python3.11 on both arches', async () => {
    for (const [key, arch, machine] of [
      ['numpy311x86', 'x86_64', X86],
      ['numpy311arm', 'arm64', ARM],
    ] as const) {
      const root = layer(key, [[wheel[key] ?? '', 'python']]);
      const t = await target('python3.11', arch);
      const result = await auditLayer(root, t);
      expectAgreesWithReadelf(root, result, t, machine);
      expect(result.findings, key).toEqual([]);
      expect(result.elfFiles).toBeGreaterThan(15);
    }
  });

  it('an aarch64 wheel audited for x86_64 is an arch mismatch in every ELF file and in its WHEEL tags', async () => {
    const root = layer('numpy-arm-as-x86', [[wheel.numpy311arm ?? '', 'python']]);
    const result = await auditLayer(root, await target('python3.11', 'x86_64'));
    const armFiles = elfFilesUnder(root).filter((p) => readelfFacts(join(root, p)).machine === ARM);
    expect(armFiles.length).toBeGreaterThan(15);
    expect(summary(result.findings)).toEqual(
      [...armFiles, 'python/numpy-1.26.4.dist-info/WHEEL'].map((f) => `arch-mismatch ${f}`).sort(),
    );
    expect(result.findings[0]?.reason).toContain('aarch64');
  });

  it('a cp312 wheel in a python3.11 layer is a Python ABI mismatch, grouped per package', async () => {
    const root = layer('numpy312-in-311', [[wheel.numpy312x86 ?? '', 'python']]);
    const result = await auditLayer(root, await target('python3.11', 'x86_64'));
    const modules = elfFilesUnder(root).filter((p) => p.endsWith('.cpython-312-x86_64-linux-gnu.so'));
    expect(summary(result.findings)).toEqual([`python-abi-mismatch ${modules[0]}`]);
    const [finding] = result.findings;
    expect(finding?.reason).toContain(`${modules.length} extension modules`);
    expect(finding?.hint).toContain("numpy's cp311 wheels");
  });

  it('a manylinux_2_28 wheel fails on Amazon Linux 2 (glibc 2.26) and passes on 2023, on both arches', async () => {
    for (const [key, arch, machine] of [
      ['cryptoX86', 'x86_64', X86],
      ['cryptoArm', 'arm64', ARM],
    ] as const) {
      const root = layer(key, [[wheel[key] ?? '', 'python']]);
      const al2 = await target('python3.11', arch);
      const old = await auditLayer(root, al2);
      expectAgreesWithReadelf(root, old, al2, machine);
      expect(summary(old.findings)).toEqual([
        'glibc-too-new python/cryptography/hazmat/bindings/_rust.abi3.so',
        'wheel-glibc-too-new python/cryptography-43.0.3.dist-info/WHEEL',
      ]);
      expect(old.findings.find((f) => f.code === 'wheel-glibc-too-new')?.version).toMatch(/^manylinux_2_28_/);
      expect(old.findings.find((f) => f.code === 'glibc-too-new')?.hint).toContain('pin cryptography');
      const al2023 = await target('python3.12', arch);
      expect((await auditLayer(root, al2023)).findings, key).toEqual([]);
    }
  });

  it('32-bit and big-endian wheels are named as such', async () => {
    for (const [key, expected] of [
      ['cffiI686', 'i386 (ELF32)'],
      ['cffiS390x', 's390x (ELF64, big-endian)'],
    ] as const) {
      const root = layer(key, [[wheel[key] ?? '', 'python']]);
      const result = await auditLayer(root, await target('python3.11', 'x86_64'));
      const so = result.findings.find((f) => f.code === 'arch-mismatch' && f.file.endsWith('.so'));
      expect(so?.reason, key).toContain(expected);
    }
  });
});

describe('a zip of wheels and npm binaries made by Info-ZIP, parsed in memory', () => {
  it('gives the folder’s findings, deflated and stored, for both arches', async () => {
    const root = layer('mixed', [
      [wheel.numpy311x86 ?? '', 'python'],
      [wheel.cryptoX86 ?? '', 'python'],
      [wheel.cffiS390x ?? '', 'python/s390x'],
      [npm.esbuildArm ?? '', 'nodejs/node_modules/@esbuild/linux-arm64'],
      [npm.sharpX64 ?? '', 'nodejs/node_modules/@img/sharp-linux-x64'],
      [npm.vipsX64 ?? '', 'nodejs/node_modules/@img/sharp-libvips-linux-x64'],
    ]);
    const deflated = join(scratch.path, 'mixed.zip');
    const stored = join(scratch.path, 'mixed-stored.zip');
    rmSync(deflated, { force: true });
    rmSync(stored, { force: true });
    execFileSync('zip', ['-q', '-r', '-y', deflated, '.'], { cwd: root });
    execFileSync('zip', ['-q', '-r', '-y', '-0', stored, '.'], { cwd: root });
    for (const arch of ['x86_64', 'arm64'] as const) {
      const t = await target('python3.11', arch);
      const fromDir = await auditLayer(root, t);
      expect(fromDir.elfFiles).toBeGreaterThan(20);
      expect(fromDir.findings.length, arch).toBeGreaterThan(5);
      for (const zip of [deflated, stored]) {
        const fromZip = await auditLayer(zip, t);
        expect(fromZip.findings, `${zip} for ${arch}`).toEqual(fromDir.findings);
        expect(fromZip.elfFiles).toBe(fromDir.elfFiles);
      }
    }
    // Two real zips of about 60 MB, each audited twice: longer than the default on a loaded machine.
  }, 300_000);
});

describe('prebuilt binaries inside npm packages', () => {
  it('esbuild for linux-arm64 (a static Go program) passes for arm64 and is flagged for x86_64', async () => {
    const root = layer('esbuild', [[npm.esbuildArm ?? '', 'nodejs/node_modules/@esbuild/linux-arm64']]);
    expect(readelfFacts(join(root, 'nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild')).machine).toBe(
      ARM,
    );
    expect((await auditLayer(root, await target('nodejs20.x', 'arm64'))).findings).toEqual([]);
    const wrong = await auditLayer(root, await target('nodejs20.x', 'x86_64'));
    expect(summary(wrong.findings)).toEqual([
      'arch-mismatch nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild',
    ]);
  });

  it('sharp finds libvips through its $ORIGIN RPATH, on both arches, and misses it once removed', async () => {
    for (const [addon, vips, arch, machine] of [
      ['sharpX64', 'vipsX64', 'x86_64', X86],
      ['sharpArm', 'vipsArm', 'arm64', ARM],
    ] as const) {
      const suffix = arch === 'x86_64' ? 'x64' : 'arm64';
      const root = layer(addon, [
        [npm[addon] ?? '', `nodejs/node_modules/@img/sharp-linux-${suffix}`],
        [npm[vips] ?? '', `nodejs/node_modules/@img/sharp-libvips-linux-${suffix}`],
      ]);
      const node = `nodejs/node_modules/@img/sharp-linux-${suffix}/lib/sharp-linux-${suffix}.node`;
      expect(readelfFacts(join(root, node)).rpath[0]).toContain('$ORIGIN/../../sharp-libvips-linux-');
      for (const runtime of ['nodejs20.x', 'nodejs18.x']) {
        const t = await target(runtime, arch);
        const result = await auditLayer(root, t);
        expectAgreesWithReadelf(root, result, t, machine);
        expect(result.findings, `${addon} ${runtime}`).toEqual([]);
      }
      rmSync(join(root, `nodejs/node_modules/@img/sharp-libvips-linux-${suffix}`), { recursive: true });
      const t = await target('nodejs20.x', arch);
      const missing = await auditLayer(root, t);
      expectAgreesWithReadelf(root, missing, t, machine);
      expect(missing.findings.map((f) => `${f.code} ${f.file} ${f.library}`)).toEqual([
        `missing-library ${node} libvips-cpp.so.42`,
      ]);
    }
  });

  it('swc’s Rust addon passes on Amazon Linux 2 and 2023 as readelf says it should', async () => {
    const root = layer('swc', [[npm.swcX64 ?? '', 'nodejs/node_modules/@swc/core-linux-x64-gnu']]);
    for (const runtime of ['nodejs18.x', 'nodejs20.x']) {
      const t = await target(runtime, 'x86_64');
      const result = await auditLayer(root, t);
      expectAgreesWithReadelf(root, result, t, X86);
      expect(result.elfFiles).toBe(1);
      expect(result.findings, runtime).toEqual([]);
    }
  });
});
