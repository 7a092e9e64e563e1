// `layerforge audit`: exit 0 for a clean layer, 1 when it finds errors, 2 for bad input, and
// --json as {findings, summary}. The layers are a program and a library compiled here with gcc.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedTempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

const fixtures = join(import.meta.dirname, '../fixtures/audit');
const shared = sharedTempDir('lf-cli-audit-');
let cwd = '';

beforeAll(async () => {
  cwd = shared.path;
  const build = join(cwd, 'build');
  mkdirSync(build);
  execFileSync('gcc', [
    '-shared',
    '-fPIC',
    '-Wl,-soname,libanswer.so',
    '-o',
    join(build, 'libanswer.so'),
    join(fixtures, 'answer.c'),
  ]);
  for (const name of ['good', 'bad']) {
    mkdirSync(join(cwd, name, 'bin'), { recursive: true });
    execFileSync('gcc', [
      join(fixtures, 'tool.c'),
      '-o',
      join(cwd, name, 'bin/tool'),
      `-L${build}`,
      '-lanswer',
    ]);
  }
  mkdirSync(join(cwd, 'good/lib'));
  copyFileSync(join(build, 'libanswer.so'), join(cwd, 'good/lib/libanswer.so'));
  writeFileSync(join(cwd, 'libs.txt'), 'libc.so.6\nld-linux-x86-64.so.2\n');
});

const run = (...argv: string[]) => runLayerforge(argv, { cwd });

describe('layerforge audit', () => {
  it('exits 0 for a layer with no errors', async () => {
    const result = await run('audit', 'good', '--runtime', 'provided.al2023');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('for provided.al2023 on x86_64: Amazon Linux 2023, glibc 2.34');
    expect(result.stdout).toContain('✓ 0 error(s), 0 warning(s) in 2 files (2 ELF)');
  });

  it('exits 1 and prints each finding, grouped by severity, with its file, reason and hint', async () => {
    const result = await run('audit', 'bad', '--runtime', 'provided.al2023');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const at = lines.indexOf('errors (1):');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('  bin/tool [missing-library]');
    expect(lines[at + 2]).toMatch(/^ {4}needs libanswer\.so, which is neither/);
    expect(lines[at + 3]).toMatch(/^ {4}hint: add it to the recipe's export\.libraries/);
  });

  it('--json prints {findings, summary} and nothing else', async () => {
    const result = await run('audit', 'bad', '--runtime', 'provided.al2023', '--arch', 'x86_64', '--json');
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: unknown[]; summary: Record<string, unknown> };
    expect(Object.keys(parsed)).toEqual(['findings', 'summary']);
    expect(parsed.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'missing-library',
        file: 'bin/tool',
        library: 'libanswer.so',
      }),
    ]);
    expect(parsed.summary).toMatchObject({
      errors: 1,
      warnings: 0,
      notes: 0,
      filesChecked: 1,
      elfFiles: 1,
      target: { runtime: 'provided.al2023', arch: 'x86_64', os: { id: 'al2023', glibc: '2.34' } },
    });
  });

  it('audits against the debian12 stand-in with a given list of the image’s libraries', async () => {
    const result = await run(
      'audit',
      'good',
      '--runtime',
      'provided.al2023',
      '--os',
      'debian12',
      '--system-libraries',
      'libs.txt',
      '--json',
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      findings: { code: string }[];
      summary: { target: unknown };
    };
    expect(parsed.findings.map((f) => f.code)).toEqual(['stand-in-base']);
    expect(parsed.summary.target).toMatchObject({
      os: { id: 'debian12', glibc: '2.36' },
      systemLibraries: join(cwd, 'libs.txt'),
    });
  });

  it('reads the debian12 libraries from its image; with no engine it fails and names the flag to use instead', async () => {
    const result = await runLayerforge(
      ['audit', 'good', '--runtime', 'provided.al2023', '--os', 'debian12'],
      {
        cwd,
        env: { DOCKER_HOST: `unix://${join(cwd, 'no-engine.sock')}` },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: the debian12 libraries are read from its runtime image, and cannot reach the Docker engine/,
    );
    expect(result.stderr).toContain('hint: start the Docker engine, or pass --system-libraries <file>');
  });

  it('exits 2 for an unknown runtime, with close matches', async () => {
    const result = await run('audit', 'good', '--runtime', 'python3.21');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: unknown Lambda runtime "python3.21"');
    expect(result.stderr).toMatch(/hint: did you mean .*python3\.12/);
  });

  it('exits 2 for a missing path, a file that is not a zip, a bad arch or no runtime', async () => {
    const missing = await run('audit', 'nowhere.zip', '--runtime', 'python3.12');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: no layer at');
    writeFileSync(join(cwd, 'notes.txt'), 'not a zip');
    const notZip = await run('audit', 'notes.txt', '--runtime', 'python3.12');
    expect(notZip.code).toBe(2);
    expect(notZip.stderr).toContain('is neither a zip nor a folder');
    const arch = await run('audit', 'good', '--runtime', 'python3.12', '--arch', 'arm');
    expect(arch.code).toBe(2);
    expect(arch.stderr).toContain('unknown architecture "arm"');
    const noRuntime = await run('audit', 'good');
    expect(noRuntime.code).toBe(2);
    expect(noRuntime.stderr).toContain('hint: pass --runtime');
  });
});
