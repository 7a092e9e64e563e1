/**
 * `publish <zip>` for a zip layerforge did not build: what it refuses before any AWS call. The
 * endpoint is NOWHERE, so a run that got as far as AWS would show a publish.region event.
 * Publishing such a zip for real, to moto, is test/integration/publish-plain-zip.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePlainLayerZip } from '../support/plain-layer.js';
import {
  isolateAwsProcessEnv,
  makeLayerZip,
  NOWHERE,
  runLayerforge,
  testAwsEnv,
  type LayerZip,
} from '../support/publish-fixtures.js';
import { sharedTempDir } from '../support/temp-dir.js';

const shared = sharedTempDir('lf-cli-publish-plain-');
let scratch: string;
/** python/ only: clean for any arch. */
let pure: string;
/** An x86_64 shared library under lib/. */
let native: string;
let built: LayerZip;

beforeAll(async () => {
  scratch = shared.path;
  isolateAwsProcessEnv(scratch);
  pure = await makePlainLayerZip(join(scratch, 'pure'), 'pure', {
    files: { 'python/pure/__init__.py': 'x = 1\n' },
  });
  native = await makePlainLayerZip(join(scratch, 'native'), 'native', {
    files: { 'python/native.py': 'import ctypes\n' },
    hostLibrary: 'lib/libanswer.so',
  });
  built = await makeLayerZip(join(scratch, 'built'), 'hello-1.0.0-python3.12-x86_64', {
    files: { 'python/x.py': 'x = 1\n' },
  });
});

const run = (args: string[]) =>
  runLayerforge(['publish', ...args, '--region', 'us-east-1', '--json'], {
    cwd: scratch,
    env: testAwsEnv(NOWHERE),
  });

const reachedAws = (events: { type: string }[]) => events.some((e) => e.type.startsWith('publish.region'));

describe('publish <zip> without a manifest', () => {
  it('is exit 2 naming --runtime and --arch when either is missing', async () => {
    for (const flags of [[], ['--runtime', 'python3.12'], ['--arch', 'x86_64']]) {
      const out = await run([pure, ...flags]);
      expect(out.code, flags.join(' ')).toBe(2);
      expect(out.stderr).toContain('has no layerforge manifest beside it');
      expect(out.stderr).toMatch(/hint: .*--runtime <id> and --arch <x86_64\|arm64>/);
      expect(reachedAws(out.events)).toBe(false);
    }
  });

  it('refuses an x86_64 library published for arm64 (exit 1), showing the finding, before AWS', async () => {
    const out = await run([native, '--runtime', 'python3.12', '--arch', 'arm64']);
    expect(out.code, out.stderr).toBe(1);
    const findings = out.events.flatMap((e) => (e.type === 'audit.finding' ? [e.finding] : []));
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'error', code: 'arch-mismatch', file: 'lib/libanswer.so' }),
    ]);
    expect(out.events).toContainEqual(expect.objectContaining({ type: 'audit.done', errors: 1 }));
    expect(out.stderr).toContain('the audit found 1 error(s)');
    expect(out.stderr).toContain('lib/libanswer.so: built for x86_64');
    expect(out.stderr).toContain('--no-audit');
    expect(reachedAws(out.events)).toBe(false);
  });

  it('audits the same zip clean for its own arch, and goes on to AWS', async () => {
    const out = await run([native, '--runtime', 'python3.12', '--arch', 'x86_64']);
    expect(out.events).toContainEqual(expect.objectContaining({ type: 'audit.done', errors: 0 }));
    // NOWHERE refuses the connection: the region fails, after the audit let the zip through.
    expect(reachedAws(out.events)).toBe(true);
  });

  it('with --no-audit, skips the audit and goes on to AWS', async () => {
    const out = await run([native, '--runtime', 'python3.12', '--arch', 'arm64', '--no-audit']);
    expect(out.events.some((e) => e.type === 'audit.done' || e.type === 'audit.finding')).toBe(false);
    expect(reachedAws(out.events)).toBe(true);
  });

  it('refuses an unknown runtime and two arches (exit 2), even with --no-audit', async () => {
    const typo = await run([pure, '--runtime', 'python3.99', '--arch', 'x86_64', '--no-audit']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown Lambda runtime "python3.99"');
    const both = await run([pure, '--runtime', 'python3.12', '--arch', 'x86_64', '--arch', 'arm64']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('a zip is published for one arch');
  });

  it('refuses a file that is not a zip (exit 2), and a missing one', async () => {
    const fake = join(scratch, 'fake.zip');
    await writeFile(fake, 'PK but not a zip');
    const notZip = await run([fake, '--runtime', 'python3.12', '--arch', 'x86_64']);
    expect(notZip.code).toBe(2);
    expect(reachedAws(notZip.events)).toBe(false);
    const missing = await run([join(scratch, 'missing.zip'), '--runtime', 'python3.12', '--arch', 'x86_64']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no zip at');
  });
});

describe('publish <zip> with a manifest', () => {
  it('refuses --runtime or --arch that contradict the manifest (exit 2)', async () => {
    const arch = await run([built.zipPath, '--arch', 'arm64']);
    expect(arch.code).toBe(2);
    expect(arch.stderr).toContain('says the zip is for python3.12 on x86_64, not arm64');
    const runtime = await run([built.zipPath, '--runtime', 'python3.13']);
    expect(runtime.code).toBe(2);
    expect(runtime.stderr).toContain('not python3.13');
  });

  it('accepts flags that agree with it', async () => {
    const out = await run([built.zipPath, '--runtime', 'python3.12', '--arch', 'x86_64']);
    expect(reachedAws(out.events)).toBe(true);
  });
});
