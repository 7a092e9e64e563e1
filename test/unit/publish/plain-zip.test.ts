import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobFailedError, UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import {
  auditPlainZip,
  checkFlagsAgainstManifest,
  plainZipFacts,
} from '../../../src/core/publish/plain-zip.js';
import { craftZip, deflatedEntry, ELF_HEAD } from '../../support/hostile-zip.js';
import { sharedTempDir } from '../../support/temp-dir.js';

const shared = sharedTempDir('lf-plain-zip-');
const io = () => ({ ...recordEvents(), signal: new AbortController().signal });

describe('plainZipFacts', () => {
  it('takes the runtimes (once each) and the arch from the flags', () => {
    expect(
      plainZipFacts('a.zip', {
        runtimes: ['python3.12', 'python3.12', 'python3.13'],
        arches: ['arm64'],
        audit: true,
      }),
    ).toEqual({ recipe: null, runtimes: ['python3.12', 'python3.13'], arch: 'arm64' });
  });

  it('needs both, and says so naming both flags', () => {
    for (const options of [
      undefined,
      { runtimes: [], arches: ['x86_64' as const], audit: true },
      { runtimes: ['python3.12'], arches: [], audit: true },
    ]) {
      const error = (() => {
        try {
          plainZipFacts('a.zip', options);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).hint).toMatch(/--runtime .*--arch/);
    }
  });
});

describe('checkFlagsAgainstManifest', () => {
  const manifest = { recipe: null, runtimes: ['python3.12', 'python3.13'], arch: 'x86_64' as const };
  it('accepts no flags and flags the manifest agrees with', () => {
    checkFlagsAgainstManifest(manifest, 'm.json', undefined);
    checkFlagsAgainstManifest(manifest, 'm.json', {
      runtimes: ['python3.13'],
      arches: ['x86_64'],
      audit: true,
    });
  });
  it('refuses what the manifest does not say', () => {
    expect(() =>
      checkFlagsAgainstManifest(manifest, 'm.json', { runtimes: ['nodejs22.x'], arches: [], audit: true }),
    ).toThrow(/not nodejs22\.x/);
  });
});

describe('auditPlainZip', () => {
  it("shows the zip's own problems with the audit's, and passes a zip with only warnings", async () => {
    const zip = join(shared.path, 'dup.zip');
    await writeFile(
      zip,
      craftZip([deflatedEntry('python/a.py', 'a = 1\n'), deflatedEntry('python/a.py', 'a = 2\n')]),
    );
    const { sink, events, signal } = io();
    await auditPlainZip(
      zip,
      { recipe: null, runtimes: ['python3.12', 'python3.13'], arch: 'x86_64' },
      { sink, signal },
    );
    const codes = events.flatMap((e) => (e.type === 'audit.finding' ? [e.finding.code] : []));
    expect(codes).toEqual(['duplicate-entry']);
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'audit.done', errors: 0, warnings: 1 }));
  });

  it('refuses (exit 1) a zip with an error, after showing it', async () => {
    const zip = join(shared.path, 'elf.zip');
    // The start of an x86_64 ELF file that ends there: the audit cannot read it.
    await writeFile(zip, craftZip([deflatedEntry('lib/libbroken.so', ELF_HEAD)]));
    const { sink, events, signal } = io();
    // Audited for both runtimes: the one finding is shown once.
    const error = await auditPlainZip(
      zip,
      { recipe: null, runtimes: ['python3.12', 'python3.13'], arch: 'x86_64' },
      { sink, signal },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).details).toEqual([expect.stringMatching(/^lib\/libbroken\.so: /)]);
    expect(events).toContainEqual({
      type: 'audit.finding',
      finding: expect.objectContaining({ severity: 'error', code: 'unreadable-elf' }),
    });
  });

  it('leaves a zip with an unsafe entry name to the zip reader, which refuses it as bad input (exit 2)', async () => {
    const zip = join(shared.path, 'escape.zip');
    await writeFile(
      zip,
      craftZip([deflatedEntry('python/lib.py', 'x\n'), deflatedEntry('../evil.py', 'x\n')]),
    );
    const { sink, events, signal } = io();
    await expect(
      auditPlainZip(zip, { recipe: null, runtimes: ['python3.12'], arch: 'x86_64' }, { sink, signal }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('unsafe entry: ../evil.py') });
    expect(events).toEqual([]);
  });
});
