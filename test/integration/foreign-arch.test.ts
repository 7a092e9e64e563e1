/**
 * Binaries for another machine inside a layer (issue 16): strip skips them (and any file it
 * refuses) and goes on, and the audit tells a per-platform copy nothing loads
 * (`foreign-arch-unused`, a warning) from one the layer needs (`arch-mismatch`, an error).
 * Real inputs only: selenium's wheel built through the CLI on the stand-in, npm's prebuilt
 * esbuild and sharp binaries, a Debian library, and GNU strip itself on the host.
 */
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLayer } from '../../src/core/audit/audit-layer.js';
import { resolveAuditTarget } from '../../src/core/audit/target.js';
import type { AuditFinding } from '../../src/core/audit/types.js';
import type { BuildImageRunner } from '../../src/core/prune/build-image-run.js';
import { indexLayer } from '../../src/core/prune/match.js';
import { stripCandidates, stripFiles } from '../../src/core/prune/strip.js';
import type { Architecture } from '../../src/core/runtimes/catalog.js';
import { requireDocker } from '../support/docker.js';
import { fetchDebianPackage, fetchNpmPackage, fetchWheel } from '../support/fetch-real-binaries.js';
import { runLayerforgeInheritingEnv as runLayerforge } from '../support/run-cli.js';
import { sharedTempDir, tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const NPM = {
  esbuildArm: ['@esbuild/linux-arm64', '0.24.0'],
  esbuildX64: ['@esbuild/linux-x64', '0.24.0'],
  sharpX64: ['@img/sharp-linux-x64', '0.33.5'],
  vipsX64: ['@img/sharp-libvips-linux-x64', '1.0.4'],
  sharpArm: ['@img/sharp-linux-arm64', '0.33.5'],
  vipsArm: ['@img/sharp-libvips-linux-arm64', '1.0.4'],
} as const;
const SELENIUM = {
  name: 'selenium',
  version: '4.51.0',
  platform: 'manylinux2014_x86_64',
  pythonVersion: '3.11',
};
// One py3-none-any wheel with _psycopg for CPython 3.6 to 3.10 on x86_64, i386, aarch64, ppc64le
// and macOS, and every arch's auditwheel libraries in one psycopg2_binary.libs/.
const AWS_PSYCOPG2 = {
  name: 'aws-psycopg2',
  version: '1.3.8',
  platform: 'manylinux2014_x86_64',
  pythonVersion: '3.10',
};
const ARM_MANAGER = 'python/selenium/webdriver/common/linux-arm64/selenium-manager';

const npm: Record<string, string> = {};
let libonig = '';
let seleniumTree = '';
let psycopgTree = '';
const scratch = sharedTempDir('lf-foreign-arch-');

beforeAll(async () => {
  for (const [key, [name, version]] of Object.entries(NPM)) npm[key] = await fetchNpmPackage(name, version);
  libonig = join(
    await fetchDebianPackage('libonig5', '6.9.8-1'),
    'usr/lib/x86_64-linux-gnu/libonig.so.5.3.0',
  );
  seleniumTree = (await fetchWheel(SELENIUM)).dir;
  psycopgTree = (await fetchWheel(AWS_PSYCOPG2)).dir;
}, 900_000);

/** A layer folder from [source, destination in the layer] pairs: folders or single files. */
function layer(name: string, parts: [string, string][]): string {
  const root = join(scratch.path, name);
  rmSync(root, { recursive: true, force: true });
  for (const [from, to] of parts) {
    mkdirSync(join(root, to, '..'), { recursive: true });
    cpSync(from, join(root, to), { recursive: true, verbatimSymlinks: true });
  }
  return root;
}

const target = (runtime: string, arch: Architecture) => resolveAuditTarget({ runtime, arch });
const summary = (fs: AuditFinding[]) =>
  fs.filter((f) => f.code !== 'stand-in-base').map((f) => `${f.severity} ${f.code} ${f.file}`);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the audit: per-platform copies for another machine', () => {
  it("selenium's wheel: the arm64 selenium-manager beside the x86_64 one is a warning, not an error", async () => {
    const root = layer('selenium', [[seleniumTree, 'python']]);
    const result = await auditLayer(root, await target('python3.11', 'x86_64'));
    expect(summary(result.findings)).toEqual([`warning foreign-arch-unused ${ARM_MANAGER}`]);
    expect(result.findings[0]?.reason).toContain(
      'python/selenium/webdriver/common/linux-x86_64/selenium-manager',
    );
    // For arm64 it is the x86_64 copy that nothing loads.
    const arm = await auditLayer(root, await target('python3.11', 'arm64'));
    expect(summary(arm.findings)).toEqual([
      'warning foreign-arch-unused python/selenium/webdriver/common/linux-x86_64/selenium-manager',
    ]);
  });

  it("aws-psycopg2's other arches and the libraries only they need are warnings; strip leaves them out", async () => {
    const root = layer('aws-psycopg2', [[psycopgTree, 'python']]);
    const machines = new Map<string, string>();
    for (const path of execFileSync('find', [root, '-type', 'f', '-name', '*.so*'], { encoding: 'utf8' })
      .trim()
      .split('\n')) {
      // The macOS modules are Mach-O: neither strip's nor the audit's business.
      if (readFileSync(path).subarray(0, 4).toString('latin1') !== '\x7fELF') continue;
      const header = execFileSync('readelf', ['-h', path], { encoding: 'utf8' }).match(/Machine:\s+(.*)/);
      if (header?.[1]) machines.set(path.slice(root.length + 1), header[1].trim());
    }
    const foreign = [...machines].filter(([, m]) => m !== 'Advanced Micro Devices X86-64').map(([p]) => p);
    expect(new Set(machines.values()).size).toBe(4);
    const result = await auditLayer(root, await target('python3.10', 'x86_64'));
    const warned = result.findings.filter((f) => f.code === 'foreign-arch-unused').map((f) => f.file);
    expect(warned.sort()).toEqual(foreign.sort());
    expect(result.findings.filter((f) => f.code === 'arch-mismatch')).toEqual([]);
    // strip never touches auditwheel's *.libs/ (NEVER_STRIP); of the rest it skips every foreign file.
    const { candidates, skipped } = await stripCandidates(
      await indexLayer(root),
      root,
      [],
      new Set(),
      'x86_64',
    );
    const outsideLibs = foreign.filter((p) => !p.includes('.libs/'));
    expect(outsideLibs.length).toBe(15);
    expect(skipped.map((s) => s.path).sort()).toEqual(outsideLibs.sort());
    expect(candidates.every((p) => machines.get(p) === 'Advanced Micro Devices X86-64')).toBe(true);
  });

  it('esbuild for both arches under node_modules: the other arch is a warning; alone it is an error', async () => {
    const both = layer('esbuild-both', [
      [npm.esbuildArm ?? '', 'nodejs/node_modules/@esbuild/linux-arm64'],
      [npm.esbuildX64 ?? '', 'nodejs/node_modules/@esbuild/linux-x64'],
    ]);
    expect(summary((await auditLayer(both, await target('nodejs20.x', 'x86_64'))).findings)).toEqual([
      'warning foreign-arch-unused nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild',
    ]);
    expect(summary((await auditLayer(both, await target('nodejs20.x', 'arm64'))).findings)).toEqual([
      'warning foreign-arch-unused nodejs/node_modules/@esbuild/linux-x64/bin/esbuild',
    ]);
    // Without the x64 package the arm64 program is the one the code will run: an error.
    const alone = layer('esbuild-arm-only', [
      [npm.esbuildArm ?? '', 'nodejs/node_modules/@esbuild/linux-arm64'],
    ]);
    expect(summary((await auditLayer(alone, await target('nodejs20.x', 'x86_64'))).findings)).toEqual([
      'error arch-mismatch nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild',
    ]);
  });

  it('an arm64 program in bin/ (on PATH) stays an error even with an x64 twin elsewhere', async () => {
    const root = layer('esbuild-bin', [
      [join(npm.esbuildArm ?? '', 'bin/esbuild'), 'bin/esbuild'],
      [npm.esbuildX64 ?? '', 'nodejs/node_modules/@esbuild/linux-x64'],
    ]);
    expect(summary((await auditLayer(root, await target('nodejs20.x', 'x86_64'))).findings)).toEqual([
      'error arch-mismatch bin/esbuild',
    ]);
  });

  it("sharp's per-platform packages for both arches: the arm64 addon and libvips are warnings", async () => {
    const nm = 'nodejs/node_modules/@img';
    const root = layer('sharp-both', [
      [npm.sharpX64 ?? '', `${nm}/sharp-linux-x64`],
      [npm.vipsX64 ?? '', `${nm}/sharp-libvips-linux-x64`],
      [npm.sharpArm ?? '', `${nm}/sharp-linux-arm64`],
      [npm.vipsArm ?? '', `${nm}/sharp-libvips-linux-arm64`],
    ]);
    const result = await auditLayer(root, await target('nodejs22.x', 'x86_64'));
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(summary(result.findings)).toEqual([
      `warning foreign-arch-unused ${nm}/sharp-libvips-linux-arm64/lib/libvips-cpp.so.42`,
      `warning foreign-arch-unused ${nm}/sharp-linux-arm64/lib/sharp-linux-arm64.node`,
    ]);
  });

  it('swapped libvips packages stay errors: the arm64 copy sits where the x64 addon looks', async () => {
    const nm = 'nodejs/node_modules/@img';
    // The x64 addon's RUNPATH reaches ../../sharp-libvips-linux-x64/lib: the arm64 libvips is
    // there, named for x64, so it is no per-platform copy but the library the addon needs.
    const root = layer('sharp-wrong-libvips', [
      [npm.sharpX64 ?? '', `${nm}/sharp-linux-x64`],
      [npm.vipsArm ?? '', `${nm}/sharp-libvips-linux-x64`],
      [npm.vipsX64 ?? '', `${nm}/sharp-libvips-linux-arm64`],
    ]);
    const result = await auditLayer(root, await target('nodejs22.x', 'x86_64'));
    expect(summary(result.findings)).toContain(
      `error arch-mismatch ${nm}/sharp-libvips-linux-x64/lib/libvips-cpp.so.42`,
    );
    expect(summary(result.findings)).toContain(
      `error missing-library ${nm}/sharp-linux-x64/lib/sharp-linux-x64.node`,
    );
    expect(result.findings.filter((f) => f.code === 'foreign-arch-unused')).toEqual([]);
  });
});

/**
 * The build image's role played by the host: the same script, run by the host's sh with GNU
 * strip (binutils for x86_64), its /opt and /layerforge-prune paths pointed at the test's folders.
 */
function hostRunner(root: string): BuildImageRunner {
  return async (script, options) => {
    const mount = options.mounts?.[0]?.hostPath ?? '';
    const list = (await readFile(join(mount, 'strip-list'), 'utf8')).replaceAll('/opt/', `${root}/`);
    const hostList = join(mount, '..', 'host-strip-list');
    await writeFile(hostList, list);
    try {
      const { stdout, stderr } = await run('sh', [
        '-c',
        script.replaceAll('/layerforge-prune/strip-list', hostList),
      ]);
      return { exitCode: 0, output: `${stdout}${stderr}`.split('\n').filter(Boolean) };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return {
        exitCode: e.code ?? 1,
        output: `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter(Boolean),
      };
    }
  };
}

describe('strip with GNU strip on real binaries', () => {
  it('strips the x86_64 files, leaves the arm64 ones out and puts back a damaged one strip refuses', async () => {
    const work = await tempDir('lf-strip-real-');
    const root = join(work, 'opt');
    const side = join(work, 'side');
    await mkdir(side, { recursive: true });
    for (const [from, to] of [
      [join(npm.esbuildArm ?? '', 'bin/esbuild'), 'nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild'],
      [join(npm.vipsX64 ?? '', 'lib/libvips-cpp.so.42'), 'lib/libvips-cpp.so.42'],
      [libonig, 'lib/libonig.so.5'],
      [libonig, 'lib/libdamaged.so.1'],
    ] as const) {
      mkdirSync(join(root, to, '..'), { recursive: true });
      cpSync(from, join(root, to));
    }
    // Headers whole, sections cut off: the ELF reader takes it, strip does not.
    truncateSync(join(root, 'lib/libdamaged.so.1'), 4096);
    const damaged = sha256(join(root, 'lib/libdamaged.so.1'));
    const arm = sha256(join(root, 'nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild'));

    const { candidates, skipped } = await stripCandidates(
      await indexLayer(root),
      root,
      [],
      new Set(),
      'x86_64',
    );
    expect(candidates).toEqual(['lib/libdamaged.so.1', 'lib/libonig.so.5', 'lib/libvips-cpp.so.42']);
    expect(skipped.map((s) => s.path)).toEqual(['nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild']);

    const result = await stripFiles(root, side, candidates, hostRunner(root));
    expect(result.skipped.map((s) => s.path)).toEqual(['lib/libdamaged.so.1']);
    expect(result.skipped[0]?.reason).toMatch(/^strip refused it: .*libdamaged\.so\.1/);
    expect(sha256(join(root, 'lib/libdamaged.so.1'))).toBe(damaged);
    expect(sha256(join(root, 'nodejs/node_modules/@esbuild/linux-arm64/bin/esbuild'))).toBe(arm);
    // The healthy libraries went through strip (already stripped by their packagers, so kept
    // as they were) and binutils still reads them.
    expect(result.skipped.map((s) => s.path)).not.toContain('lib/libonig.so.5');
    for (const lib of ['lib/libonig.so.5', 'lib/libvips-cpp.so.42'])
      execFileSync('readelf', ['-h', join(root, lib)]);
  });
});

describe('a python3.11 x86_64 layer from the selenium wheel, built on the stand-in', () => {
  it('builds, warns about the arm64 selenium-manager in prune and audit, ships it untouched, and passes its test', async () => {
    requireDocker();
    const work = scratch.path;
    const recipes = join(import.meta.dirname, '..', 'fixtures', 'recipes-prune');
    const out = join(work, 'out');
    const build = await runLayerforge(
      ['build', 'py-foreign-arch', '--recipes', recipes, '--test', '--json', '--out', out],
      { cwd: work, env: { LAYERFORGE_CACHE_DIR: join(work, 'cache'), LAYERFORGE_BASE: 'debian12' } },
    );
    expect(build.code, build.stderr).toBe(0);
    const warnings = build.events.flatMap((e) =>
      e.type === 'warning' && e.code === 'strip-skipped' ? [e] : [],
    );
    expect(warnings.map((w) => w.message)).toEqual([
      `prune: strip left ${ARM_MANAGER} as it was: built for aarch64 (ELF64), not x86_64: the build image's strip cannot read it`,
    ]);
    const findings = build.events.flatMap((e) => (e.type === 'audit.finding' ? [e.finding] : []));
    expect(summary(findings)).toEqual([`warning foreign-arch-unused ${ARM_MANAGER}`]);
    const results = build.events.flatMap((e) => (e.type === 'test.result' ? [e] : []));
    expect(results.length).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
    // The zip holds the wheel's arm64 program byte for byte, read back with Info-ZIP.
    const extracted = join(work, 'unzipped');
    execFileSync('unzip', [
      '-q',
      '-o',
      join(out, 'py-foreign-arch-1.0.0-python3.11-x86_64.zip'),
      ARM_MANAGER,
      '-d',
      extracted,
    ]);
    expect(sha256(join(extracted, ARM_MANAGER))).toBe(
      sha256(join(seleniumTree, 'selenium/webdriver/common/linux-arm64/selenium-manager')),
    );
  }, 900_000);
});
