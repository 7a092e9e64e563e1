import { describe, expect, it } from 'vitest';
import { extensionTag } from '../../../src/core/audit/check-python.js';
import { glibcVersionOf } from '../../../src/core/audit/check-elf.js';
import { resolveLayerPath } from '../../../src/core/layer/resolve-path.js';
import type { LayerEntry } from '../../../src/core/layer/entry.js';
import {
  loadBundledSystemLibraries,
  parseSonameList,
  systemLibrariesFromList,
} from '../../../src/core/audit/system-libraries.js';
import { auditOsIds, resolveAuditTarget } from '../../../src/core/audit/target.js';
import { compareVersions, versionLimits } from '../../../src/core/audit/version-limits.js';
import { UserError } from '../../../src/core/errors.js';

describe('audit targets', () => {
  it("defaults to the runtime's own OS and the committed list, plus the runtime's libpython", async () => {
    const target = await resolveAuditTarget({ runtime: 'python3.12', arch: 'arm64' });
    expect(target.os).toEqual({ id: 'al2023', name: 'Amazon Linux 2023', glibc: '2.34' });
    expect(target.systemLibraries.source).toContain('data/system-libraries/al2023.txt');
    expect(target.systemLibraries.has('libc.so.6')).toBe(true);
    expect(target.systemLibraries.has('libpython3.12.so.1.0')).toBe(true);
    expect(target.systemLibraries.has('libpython3.11.so.1.0')).toBe(false);
    // Arch-qualified lines apply to their arch only.
    expect(target.systemLibraries.has('ld-linux-aarch64.so.1')).toBe(true);
    expect(target.systemLibraries.has('ld-linux-x86-64.so.2')).toBe(false);
  });

  it('takes debian12 from the data file, and insists on a list read from its image', async () => {
    await expect(
      resolveAuditTarget({ runtime: 'python3.12', arch: 'x86_64', os: 'debian12' }),
    ).rejects.toThrow(UserError);
    const target = await resolveAuditTarget({
      runtime: 'python3.12',
      arch: 'x86_64',
      os: 'debian12',
      systemLibraries: systemLibrariesFromList('test list', ['libc.so.6']),
    });
    expect(target.os).toMatchObject({ id: 'debian12', glibc: '2.36' });
    expect(target.systemLibraries.source).toBe('test list');
  });

  it('names the choices for an unknown OS or runtime', async () => {
    await expect(
      resolveAuditTarget({ runtime: 'python3.12', arch: 'x86_64', os: 'centos7' }),
    ).rejects.toThrow(/unknown OS/);
    await expect(resolveAuditTarget({ runtime: 'python3.21', arch: 'x86_64' })).rejects.toThrow(UserError);
    expect(auditOsIds()).toEqual(['al2', 'al2023', 'debian12']);
  });

  it('keeps the libstdc++ limits of the ABI policy table', () => {
    const limits = versionLimits();
    expect(limits.al2?.libstdcxx).toEqual({ gcc: '7.3.1', GLIBCXX: '3.4.24', CXXABI: '1.3.11' });
    expect(limits.al2023?.libstdcxx).toEqual({ gcc: '11.4.1', GLIBCXX: '3.4.29', CXXABI: '1.3.13' });
    expect(limits.debian12?.libstdcxx.GLIBCXX).toBe('3.4.30');
  });

  it('ships both committed lists with glibc, libstdc++ and each OS openssl', async () => {
    const al2 = await loadBundledSystemLibraries('al2', 'x86_64');
    const al2023 = await loadBundledSystemLibraries('al2023', 'x86_64');
    for (const soname of ['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1', 'libz.so.1']) {
      expect(al2.has(soname)).toBe(true);
      expect(al2023.has(soname)).toBe(true);
    }
    expect(al2.has('libcrypto.so.10')).toBe(true);
    expect(al2023.has('libcrypto.so.3')).toBe(true);
    expect(al2023.has('libcrypto.so.10')).toBe(false);
  });
});

describe('soname lists', () => {
  it('reads plain lists with comments and arch qualifiers, and ldconfig -p output', () => {
    const text = '# header\nlibc.so.6\nlibmvec.so.1 x86_64\nld-linux-aarch64.so.1 arm64\n\n';
    expect(parseSonameList(text, 'x86_64')).toEqual(['libc.so.6', 'libmvec.so.1']);
    expect(parseSonameList(text, 'arm64')).toEqual(['libc.so.6', 'ld-linux-aarch64.so.1']);
    const ldconfig =
      "12 libs found in cache `/etc/ld.so.cache'\n\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1\n";
    expect(parseSonameList(ldconfig, 'x86_64')).toEqual(['libz.so.1']);
  });
});

describe('versions and tags', () => {
  it('compares dotted versions numerically', () => {
    expect(compareVersions('2.34', '2.35')).toBe(-1);
    expect(compareVersions('3.4.9', '3.4.29')).toBe(-1);
    expect(compareVersions('2.2.5', '2.2')).toBe(1);
    expect(compareVersions('2.17', '2.17.0')).toBe(0);
  });

  it('knows which glibc a version name needs', () => {
    expect(glibcVersionOf('GLIBC_2.34')).toBe('2.34');
    expect(glibcVersionOf('GLIBC_2.2.5')).toBe('2.2.5');
    expect(glibcVersionOf('GLIBC_ABI_DT_RELR')).toBe('2.36');
    expect(glibcVersionOf('GLIBC_PRIVATE')).toBeUndefined();
    expect(glibcVersionOf('GLIBCXX_3.4.30')).toBeUndefined();
  });

  it("reads an extension module's ABI tag from its name", () => {
    expect(extensionTag('_multiarray_umath.cpython-312-x86_64-linux-gnu.so')).toBe(
      'cpython-312-x86_64-linux-gnu',
    );
    expect(extensionTag('_rust.abi3.so')).toBeUndefined();
    expect(extensionTag('libfoo.so')).toBeUndefined();
    expect(extensionTag('x.cpython-313t-aarch64-linux-gnu.so')).toBe('cpython-313t-aarch64-linux-gnu');
    expect(extensionTag('x.pypy39-pp73-x86_64-linux-gnu.so')).toBe('pypy39-pp73-x86_64-linux-gnu');
  });
});

describe('resolving paths inside a layer', () => {
  const entries = new Map<string, LayerEntry>();
  const add = (path: string, type: LayerEntry['type'], linkTarget?: string) =>
    entries.set(path, { path, type, mode: 0o755, size: 0, linkTarget });
  add('lib', 'dir');
  add('lib/libz.so.1.3', 'file');
  add('lib/libz.so.1', 'symlink', 'libz.so.1.3');
  add('lib64', 'symlink', 'lib');
  add('lib/abs', 'symlink', '/opt/lib/libz.so.1');
  add('lib/up', 'symlink', '../../usr/lib64/libz.so.1');
  add('lib/sys', 'symlink', '/usr/lib64/libz.so.1');
  add('lib/loop', 'symlink', 'loop');
  add('lib/gone', 'symlink', 'nothing-here');

  it('follows relative, absolute /opt and folder links', () => {
    expect(resolveLayerPath(entries, 'lib/libz.so.1')).toEqual({ kind: 'file', path: 'lib/libz.so.1.3' });
    expect(resolveLayerPath(entries, 'lib64/libz.so.1')).toEqual({ kind: 'file', path: 'lib/libz.so.1.3' });
    expect(resolveLayerPath(entries, 'lib/abs')).toEqual({ kind: 'file', path: 'lib/libz.so.1.3' });
    expect(resolveLayerPath(entries, 'lib64')).toEqual({ kind: 'dir', path: 'lib' });
  });

  it('tells links that leave /opt, loop or dangle', () => {
    expect(resolveLayerPath(entries, 'lib/up')).toEqual({ kind: 'outside', target: '/usr/lib64/libz.so.1' });
    expect(resolveLayerPath(entries, 'lib/sys')).toEqual({ kind: 'outside', target: '/usr/lib64/libz.so.1' });
    expect(resolveLayerPath(entries, 'lib/loop')).toEqual({ kind: 'loop' });
    expect(resolveLayerPath(entries, 'lib/gone')).toEqual({ kind: 'missing', path: 'lib/nothing-here' });
    expect(resolveLayerPath(entries, 'lib/libz.so.1.3/x')).toEqual({
      kind: 'missing',
      path: 'lib/libz.so.1.3/x',
    });
  });
});
