import { describe, expect, it } from 'vitest';
import { checkSymlinks } from '../../../src/core/layer/link-check.js';
import { isUnsafeEntryName, resolveLayerLink } from '../../../src/core/layer/link.js';
import { isWorldReadable, normaliseMode } from '../../../src/core/layer/modes.js';

describe('resolveLayerLink', () => {
  it.each([
    ['lib/libz.so', 'libz.so.1', { kind: 'inside', target: 'lib/libz.so.1' }],
    ['lib/libz.so', './libz.so.1', { kind: 'inside', target: 'lib/libz.so.1' }],
    ['python/a/b', '../../lib/x', { kind: 'inside', target: 'lib/x' }],
    ['python/a/b', '../..', { kind: 'inside', target: '' }],
    ['top', 'other', { kind: 'inside', target: 'other' }],
    ['python/a/b', '../../../x', { kind: 'escapes' }],
    ['top', '..', { kind: 'escapes' }],
    ['lib/x', '../../opt/lib/y', { kind: 'escapes' }],
    ['lib/x', '/opt/lib/y', { kind: 'absolute' }],
  ] as const)('%s -> %s', (link, target, expected) => {
    expect(resolveLayerLink(link, target)).toEqual(expected);
  });
});

describe('isUnsafeEntryName', () => {
  it.each([
    ['/etc/passwd', true],
    ['../evil', true],
    ['python/../../evil', true],
    ['C:/windows', true],
    ['python/..data', false],
    ['python/numpy/__init__.py', false],
  ])('%s → %s', (name, unsafe) => {
    expect(isUnsafeEntryName(name)).toBe(unsafe);
  });
});

describe('checkSymlinks', () => {
  it('follows chains and directory links through the listing', () => {
    const links = checkSymlinks([
      { path: 'lib/libz.so.1.3', type: 'file' },
      { path: 'lib/libz.so.1', type: 'symlink', linkTarget: 'libz.so.1.3' },
      { path: 'lib/libz.so', type: 'symlink', linkTarget: 'libz.so.1' },
      { path: 'share/gdal', type: 'symlink', linkTarget: '../lib' },
      { path: 'bin/z', type: 'symlink', linkTarget: '../share/gdal/libz.so' },
      { path: 'bin/gone', type: 'symlink', linkTarget: 'nothing' },
      { path: 'bin/abs', type: 'symlink', linkTarget: '/usr/bin/env' },
      { path: 'bin/out', type: 'symlink', linkTarget: '../../etc' },
      { path: 'bin/via-out', type: 'symlink', linkTarget: 'out/passwd' },
      { path: 'loop/a', type: 'symlink', linkTarget: 'b' },
      { path: 'loop/b', type: 'symlink', linkTarget: 'a' },
    ]);
    expect(Object.fromEntries(links.map((l) => [l.path, [l.status, l.resolved]]))).toEqual({
      'lib/libz.so.1': ['ok', 'lib/libz.so.1.3'],
      'lib/libz.so': ['ok', 'lib/libz.so.1.3'],
      'share/gdal': ['ok', 'lib'],
      'bin/z': ['ok', 'lib/libz.so.1.3'],
      'bin/gone': ['dangling', undefined],
      'bin/abs': ['absolute', undefined],
      'bin/out': ['escapes', undefined],
      'bin/via-out': ['escapes', undefined],
      'loop/a': ['loop', undefined],
      'loop/b': ['loop', undefined],
    });
  });

  it('treats parents of entries as present even without directory entries', () => {
    const [link] = checkSymlinks([
      { path: 'python/pkg/mod.py', type: 'file' },
      { path: 'pkg', type: 'symlink', linkTarget: 'python/pkg' },
    ]);
    expect(link).toMatchObject({ status: 'ok', resolved: 'python/pkg' });
  });
});

describe('modes', () => {
  it('normalises to world-readable modes, keeping exec bits as 0755', () => {
    expect(normaliseMode('file', 0o600)).toBe(0o644);
    expect(normaliseMode('file', 0o700)).toBe(0o755);
    expect(normaliseMode('file', 0o744)).toBe(0o755);
    expect(normaliseMode('file', 0o666)).toBe(0o644);
    expect(normaliseMode('dir', 0o700)).toBe(0o755);
    expect(normaliseMode('symlink', 0o755)).toBe(0o777);
  });

  it('knows what a non-root user can read', () => {
    expect(isWorldReadable('file', 0o644)).toBe(true);
    expect(isWorldReadable('file', 0o640)).toBe(false);
    expect(isWorldReadable('dir', 0o754)).toBe(false);
    expect(isWorldReadable('dir', 0o755)).toBe(true);
    expect(isWorldReadable('symlink', 0)).toBe(true);
  });
});
