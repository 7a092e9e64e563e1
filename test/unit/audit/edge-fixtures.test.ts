/**
 * The edges real packages do not show on demand: an `$ORIGIN` RUNPATH, a library that exists
 * only in the build image, dangling and escaping symlinks, and modes a non-root user cannot use.
 * The binaries are compiled here with gcc from test/fixtures/audit/*.c.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLayer } from '../../../src/core/audit/audit-layer.js';
import { resolveAuditTarget } from '../../../src/core/audit/target.js';
import type { AuditFinding, AuditTarget } from '../../../src/core/audit/types.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { readelfFacts } from '../../support/readelf-oracle.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const fixtures = join(import.meta.dirname, '../../fixtures/audit');
const scratch = sharedTempDir('lf-audit-edges-');
let target: AuditTarget;

function gcc(args: string[]): void {
  execFileSync('gcc', args, { cwd: scratch.path, stdio: 'pipe' });
}

/** bin/tool linked against libanswer.so, which sits in `libDir`; `dtags` picks RUNPATH or RPATH. */
function makeLayer(
  name: string,
  options: { libDir?: string; rpath?: string; dtags?: 'new' | 'old' },
): string {
  const layer = join(scratch.path, name);
  mkdirSync(join(layer, 'bin'), { recursive: true });
  const buildLib = join(scratch.path, `${name}-build`);
  mkdirSync(buildLib, { recursive: true });
  gcc([
    '-shared',
    '-fPIC',
    '-Wl,-soname,libanswer.so',
    '-o',
    join(buildLib, 'libanswer.so'),
    join(fixtures, 'answer.c'),
  ]);
  const link = [join(fixtures, 'tool.c'), '-o', join(layer, 'bin/tool'), `-L${buildLib}`, '-lanswer'];
  if (options.rpath)
    link.push(
      `-Wl,-rpath,${options.rpath}`,
      `-Wl,--${options.dtags === 'old' ? 'disable' : 'enable'}-new-dtags`,
    );
  gcc(link);
  if (options.libDir) {
    mkdirSync(join(layer, options.libDir), { recursive: true });
    copyFileSync(join(buildLib, 'libanswer.so'), join(layer, options.libDir, 'libanswer.so'));
  }
  return layer;
}

const codes = (findings: AuditFinding[]) =>
  findings.map((f) => `${f.code} ${f.file}${f.library ? ` ${f.library}` : ''}`).sort();

beforeAll(async () => {
  target = await resolveAuditTarget({ runtime: 'provided.al2023', arch: 'x86_64' });
});

describe('$ORIGIN in RUNPATH and RPATH', () => {
  it('finds a library through RUNPATH $ORIGIN/../vendor, as the real loader does', async () => {
    const layer = makeLayer('runpath', { libDir: 'vendor', rpath: '$ORIGIN/../vendor', dtags: 'new' });
    const facts = readelfFacts(join(layer, 'bin/tool'));
    expect(facts.runpath).toEqual(['$ORIGIN/../vendor']);
    expect(facts.needed).toContain('libanswer.so');
    // The fixture is right: the program runs and finds its library on this machine.
    execFileSync(join(layer, 'bin/tool'));

    const { findings } = await auditLayer(layer, target);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(codes(findings)).toEqual(['outside-runtime-paths vendor']);
  });

  it('finds it through DT_RPATH too, and reports it once the folder is gone', async () => {
    const layer = makeLayer('rpath', { libDir: 'vendor', rpath: '$ORIGIN/../vendor', dtags: 'old' });
    expect(readelfFacts(join(layer, 'bin/tool')).rpath).toEqual(['$ORIGIN/../vendor']);
    expect((await auditLayer(layer, target)).findings.filter((f) => f.severity === 'error')).toEqual([]);

    rmSync(join(layer, 'vendor'), { recursive: true });
    const { findings } = await auditLayer(layer, target);
    expect(codes(findings)).toEqual(['missing-library bin/tool libanswer.so']);
    expect(findings[0]?.reason).toContain('/opt/vendor');
  });

  it('points at a copy in the layer that the loader would not search', async () => {
    const layer = makeLayer('misplaced', { libDir: 'share/answer' });
    const { findings } = await auditLayer(layer, target);
    const missing = findings.find((f) => f.code === 'missing-library');
    expect(missing?.library).toBe('libanswer.so');
    expect(missing?.hint).toContain('share/answer/libanswer.so');
  });
});

describe('a library that exists only in the build image', () => {
  it('is reported missing, with the file that needs it', async () => {
    const layer = makeLayer('build-only', {});
    // It runs where it was built, with the build folder on the path ...
    execFileSync(join(layer, 'bin/tool'), {
      env: { LD_LIBRARY_PATH: join(scratch.path, 'build-only-build') },
    });
    // ... and the audit sees that the layer does not carry it.
    const { sink, events } = recordEvents();
    const result = await auditLayer(layer, target, { sink });
    expect(codes(result.findings)).toEqual(['missing-library bin/tool libanswer.so']);
    expect(result.findings[0]?.hint).toContain('export.libraries');
    expect(events.map((e) => e.type)).toEqual(['audit.finding', 'audit.done']);
    expect(events[1]).toMatchObject({ type: 'audit.done', errors: 1, warnings: 0, filesChecked: 1 });
  });

  it('passes once the library is in lib/, which is on LD_LIBRARY_PATH', async () => {
    const layer = makeLayer('in-lib', { libDir: 'lib' });
    const { findings, elfFiles } = await auditLayer(layer, target);
    expect(findings).toEqual([]);
    expect(elfFiles).toBe(2);
  });
});

describe('symlinks, modes and damaged files', () => {
  let layer: string;
  beforeAll(() => {
    layer = makeLayer('layout', { libDir: 'lib' });
    symlinkSync('libgone.so.1', join(layer, 'lib/libgone.so'));
    symlinkSync('../../etc/passwd', join(layer, 'lib/passwd'));
    symlinkSync('/etc/hosts', join(layer, 'lib/hosts'));
    symlinkSync('libanswer.so', join(layer, 'lib/libanswer.so.1'));
    writeFileSync(join(layer, 'lib/secret.txt'), 'x');
    chmodSync(join(layer, 'lib/secret.txt'), 0o600);
    mkdirSync(join(layer, 'lib/private'));
    writeFileSync(join(layer, 'lib/private/a.txt'), 'x');
    chmodSync(join(layer, 'lib/private'), 0o700);
    writeFileSync(join(layer, 'bin/script'), '#!/bin/sh\necho hi\n');
    chmodSync(join(layer, 'bin/script'), 0o644);
    const lib = readFileSync(join(layer, 'lib/libanswer.so'));
    writeFileSync(join(layer, 'lib/libcut.so'), lib.subarray(0, 300));
  });

  const expected = [
    'dangling-symlink lib/libgone.so',
    'escaping-symlink lib/hosts',
    'escaping-symlink lib/passwd',
    'not-executable bin/script',
    'not-world-readable lib/private',
    'not-world-readable lib/secret.txt',
    'unreadable-elf lib/libcut.so',
  ];

  it('reports each, with its severity, from a folder', async () => {
    const { findings } = await auditLayer(layer, target);
    expect(codes(findings)).toEqual(expected);
    expect(findings.map((f) => f.severity)).toEqual([
      'error',
      'error',
      'error',
      'error',
      'error',
      'error',
      'warning',
    ]);
    // A truncated library fails when it is loaded: an error, not only a warning.
    expect(findings.find((f) => f.code === 'unreadable-elf')?.severity).toBe('error');
  });

  it('stops when its signal fires, for a folder and for a zip', async () => {
    const zip = join(scratch.path, 'abort.zip');
    execFileSync('zip', ['-q', '-r', '-y', zip, '.'], { cwd: layer });
    await expect(auditLayer(layer, target, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      InterruptedError,
    );
    await expect(auditLayer(zip, target, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      InterruptedError,
    );
  });

  it('reports the same from a zip made by Info-ZIP, which keeps symlinks and modes', async () => {
    const zip = join(scratch.path, 'layout.zip');
    execFileSync('zip', ['-q', '-r', '-y', zip, '.'], { cwd: layer });
    const { findings } = await auditLayer(zip, target);
    expect(codes(findings)).toEqual(expected);
  });
});
