// `inspect` and `audit` on hostile zips, built byte by byte here: a layer over Lambda's limit
// fails (exit 1) with a problem named; a broken or lying zip is bad input (exit 2) with the
// same message from both commands; nothing reaches the user as an internal error, and the
// audit's temporary files stay under Lambda's limit whatever an entry declares.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { craftZip, deflatedEntry, ELF_HEAD, zerosEntry } from '../support/hostile-zip.js';
import type { RawEntry } from '../support/hostile-zip.js';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const shared = sharedTempDir('lf-cli-hostile-zip-');
let cwd = '';
beforeAll(async () => {
  cwd = shared.path;
});

async function zip(name: string, entries: RawEntry[] | Buffer): Promise<string> {
  await writeFile(join(cwd, name), Buffer.isBuffer(entries) ? entries : craftZip(entries));
  return name;
}

const inspect = (file: string) => runLayerforge(['inspect', file], { cwd });
const audit = (file: string) =>
  runLayerforge(['audit', file, '--runtime', 'provided.al2023', '--json'], { cwd });

function findingCodes(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { code: string; severity: string }[] }).findings.map(
    (f) => `${f.severity} ${f.code}`,
  );
}

const LIMIT = 262_144_000;

describe('a layer over Lambda’s 250 MB limit', () => {
  it('fails inspect and audit (exit 1) with layer-too-large, from a 300 MB-of-zeros zip of 300 KB', async () => {
    const file = await zip('zeros.zip', [zerosEntry('lib/zeros.dat', 300)]);
    expect((await stat(join(cwd, file))).size).toBeLessThan(1024 * 1024);
    const shown = await inspect(file);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(
      `error: layer-too-large: .: ${300 * 1024 * 1024} bytes unzipped, over Lambda's limit of ${LIMIT} bytes`,
    );
    expect(shown.stdout).not.toContain('problems: none');
    const audited = await audit(file);
    expect(audited.code).toBe(1);
    expect(findingCodes(audited.stdout)).toContain('error layer-too-large');
  });
});

describe('a broken or lying zip is bad input for both commands', () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      'a bad end record',
      async () => {
        const bytes = craftZip([deflatedEntry('lib/a.txt', 'hello')]);
        bytes.writeUInt32LE(0xfffff0, bytes.length - 6);
        return zip('bad-end.zip', bytes);
      },
      /is not a readable zip file/,
    ],
    [
      'overlapping entries',
      async () => {
        const bomb = zerosEntry('lib/a.dat', 2);
        return zip('overlap.zip', [bomb, { ...bomb, sharesLocalOf: 0 }, { ...bomb, sharesLocalOf: 0 }]);
      },
      /is an unsafe zip: entries lib\/a\.dat and lib\/a\.dat overlap/,
    ],
    [
      'a local header that disagrees with the central directory',
      () => zip('mismatch.zip', [{ ...deflatedEntry('lib/a.txt', 'hello'), local: { size: 4 } }]),
      /local header of lib\/a\.txt does not match the central directory \(size\)/,
    ],
    [
      'a 600 MB symlink body',
      () => zip('big-link.zip', [zerosEntry('lib/libz.so', 600, { mode: 0o120777 })]),
      /is an unsafe zip: symlink lib\/libz\.so has a 629145600-byte target/,
    ],
  ];

  it.each(cases)('%s: exit 2 from inspect and audit, with one message', async (_what, make, message) => {
    const file = await make();
    const shown = await inspect(file);
    const audited = await audit(file);
    for (const result of [shown, audited]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).toContain('hint:');
    }
    expect(audited.stderr).toBe(shown.stderr);
  });
});

describe('a path that is not a regular file', () => {
  it('a FIFO and a link to /dev/zero: exit 2 from inspect and audit, without blocking or reading', async () => {
    execFileSync('mkfifo', [join(cwd, 'fifo.zip')]);
    await symlink('/dev/zero', join(cwd, 'zero.zip'));
    for (const file of ['fifo.zip', 'zero.zip']) {
      for (const result of [await inspect(file), await audit(file)]) {
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`${file} is not a regular file`);
      }
    }
  });
});

describe('audit of ELF entries that cannot be trusted', () => {
  it('a size lie on an ELF entry is a corrupt zip (exit 2), not an internal error', async () => {
    const file = await zip('elf-lie.zip', [
      { ...zerosEntry('lib/libx.so', 4, { head: ELF_HEAD }), size: 4096 },
    ]);
    const result = await audit(file);
    expect(result.code).toBe(2);
    // Read in memory (readsInMemory: small, its stored bytes in proportion to its size), where
    // inflating stops one byte past the claim.
    expect(result.stderr).toContain(
      'is not a readable zip file (lib/libx.so: inflates to more than the 4096 bytes it declares)',
    );
    expect(result.stderr).not.toContain('internal error');
  });

  it('an ELF entry declaring 2 GB in a 2 MB zip writes nothing past the limit to $TMPDIR', async () => {
    const file = await zip('elf-2gb.zip', [zerosEntry('lib/libhuge.so', 2000, { head: ELF_HEAD })]);
    expect((await stat(join(cwd, file))).size).toBeLessThan(3 * 1024 * 1024);
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const { result, peak, left } = await auditWithTmp(file, join(cwd, 'tmp'));
    expect(result.code).toBe(1);
    expect(findingCodes(result.stdout)).toEqual(
      ['error unextractable-entry', 'error layer-too-large'].sort(),
    );
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(left).toEqual([]);
    expect(process.resourceUsage().maxRSS * 1024 - rssBefore).toBeLessThan(300 * 1024 * 1024);
  });

  it('extracts ELF files for the audit only up to Lambda’s limit, and cleans up', async () => {
    const file = await zip('two-elfs.zip', [
      zerosEntry('lib/liba.so', 130, { head: ELF_HEAD }),
      zerosEntry('lib/libb.so', 140, { head: ELF_HEAD }),
    ]);
    const { result, peak, left } = await auditWithTmp(file, join(cwd, 'tmp-two'));
    const findings = JSON.parse(result.stdout) as { findings: { code: string; file: string }[] };
    expect(findings.findings.filter((f) => f.code === 'unextractable-entry').map((f) => f.file)).toEqual([
      'lib/libb.so',
    ]);
    expect(findings.findings.map((f) => f.code)).toContain('layer-too-large');
    // The first library was extracted and read as ELF; the second was never written.
    expect((JSON.parse(result.stdout) as { summary: { elfFiles: number } }).summary.elfFiles).toBe(1);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(left).toEqual([]);
  });

  it('an encrypted ELF entry and one with an unknown method are findings, not skipped', async () => {
    const encrypted = { ...deflatedEntry('lib/libsecret.so', ELF_HEAD), flags: 0x801 };
    const unknown = { ...deflatedEntry('bin/tool', ELF_HEAD, 0o100755), method: 99 };
    const result = await audit(await zip('unreadable.zip', [encrypted, unknown]));
    expect(result.code).toBe(1);
    const findings = (
      JSON.parse(result.stdout) as { findings: { code: string; file: string; reason: string }[] }
    ).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'unextractable-entry',
        file: 'bin/tool',
        reason: expect.stringContaining('method 99'),
      }),
      expect.objectContaining({
        code: 'unextractable-entry',
        file: 'lib/libsecret.so',
        reason: expect.stringContaining('encrypted'),
      }),
    ]);
  });

  it('wheel metadata too large to read as text is a finding, not read', async () => {
    const record = zerosEntry('python/x-1.0.dist-info/RECORD', 20);
    const result = await audit(await zip('big-record.zip', [record]));
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.stdout) as { findings: unknown[] };
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'unextractable-entry',
        file: 'python/x-1.0.dist-info/RECORD',
        reason: `wheel metadata of ${20 * 1024 * 1024} bytes, over the ${16 * 1024 * 1024} read`,
      }),
    );
  });

  it('a truncated ELF inside a zip is an error finding', async () => {
    const cut = Buffer.concat([ELF_HEAD, Buffer.alloc(12)]);
    const result = await audit(await zip('cut.zip', [deflatedEntry('lib/libcut.so', cut)]));
    expect(result.code).toBe(1);
    expect(findingCodes(result.stdout)).toEqual(['error unreadable-elf']);
  });
});

/** Audits with $TMPDIR in `scratch`, sampling how many bytes it holds while the audit runs. */
async function auditWithTmp(file: string, scratch: string) {
  await mkdir(scratch);
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  let peak = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      peak = Math.max(peak, await folderBytes(scratch));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    const result = await audit(file);
    return { result, peak, left: await readdir(scratch) };
  } finally {
    polling = false;
    await poll;
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  // A folder removed while it is listed counts as empty: the sample is only a lower bound then.
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    total += await stat(join(entry.parentPath, entry.name)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}
