// Text from data never reaches the terminal raw: recipe keys and values in errors, recipe
// strings in list and show, zip entry names and link targets in inspect, findings in audit,
// lock file entries in arns, and arguments quoted by parse errors. --json keeps every value
// exact: JSON.parse gives back the bytes the data held.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { handMadeZip } from '../unit/layer/helpers.js';
import { runLayerforge, writeTree } from './cli-harness.js';
import { CLEAR, CSI, RLO, TITLE, rawControls } from '../support/hostile-text.js';

function expectSafe(run: { stdout: string; stderr: string }): void {
  expect(rawControls(run.stdout)).toEqual([]);
  expect(rawControls(run.stderr)).toEqual([]);
}

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir('lf-cli-escapes-');
});

const run = (...argv: string[]) => runLayerforge(argv, { cwd });

function recipe(name: string, fields: Record<string, string>): string {
  const base: Record<string, string> = {
    name,
    version: '1.0.0',
    summary: 'fine',
    license: 'MIT',
    homepage: 'https://example.com/x',
    runtimes: '[python3.12]',
    architectures: '[x86_64]',
    ...fields,
  };
  const lines = Object.entries(base).map(([key, value]) => `${key}: ${value}`);
  return [...lines, 'install:', '  python:', '    requirements: [tiny==1.0.0]', ''].join('\n');
}

/** A YAML double-quoted string: JSON's escapes are YAML's, so the file itself stays ASCII. */
const quoted = (text: string) => JSON.stringify(text);

describe('recipe keys and values quoted by errors', () => {
  beforeEach(async () => {
    await writeTree(join(cwd, 'r'), {
      'key/recipe.yaml': recipe('key', { [quoted(TITLE)]: '1' }),
      'runtime/recipe.yaml': recipe('runtime', { runtimes: `[${quoted(`python3.12${CLEAR}`)}]` }),
    });
  });

  // A recipe may not hold control characters at all (even YAML-escaped ones): the error names
  // the character and its position instead of quoting it.
  it('show: an unknown key holding an OSC sequence is refused at its position, unquoted', async () => {
    const result = await run('show', 'key', '--recipes', 'r');
    expect(result.code).toBe(2);
    expectSafe(result);
    expect(result.stderr).toContain('r/key/recipe.yaml:8:1: control character U+001B (ESC) is not allowed');
  });

  it('show: a runtime id holding ESC is refused at its position, unquoted', async () => {
    const result = await run('show', 'runtime', '--recipes', 'r');
    expect(result.code).toBe(2);
    expectSafe(result);
    expect(result.stderr).toMatch(/r\/runtime\/recipe\.yaml:6:\d+: .*control character U\+001B \(ESC\)/);
  });

  it('list: both are warnings, and the valid recipes are still listed', async () => {
    const result = await run('list', '--recipes', 'r');
    expect(result.code).toBe(2);
    expectSafe(result);
    expect(result.stderr).toContain('r/key/recipe.yaml:8:1');
    expect(result.stderr).toContain('r/runtime/recipe.yaml:6:');
    expect(result.stdout).toContain('hello');
  });

  it('list --json: the invalid recipes carry the positioned problem', async () => {
    const result = await run('list', '--recipes', 'r', '--json');
    expectSafe(result);
    const { invalid } = JSON.parse(result.stdout) as { invalid: { error: string }[] };
    expect(invalid.map((i) => i.error)).toEqual([
      expect.stringContaining('r/key/recipe.yaml:8:1: control character U+001B (ESC)'),
      expect.stringMatching(/r\/runtime\/recipe\.yaml:6:\d+: .*control character U\+001B/),
    ]);
  });

  it('a recipe name given on the command line is escaped in "no such recipe"', async () => {
    const result = await run('show', `x${TITLE}`, '--recipes', 'r');
    expect(result.code).toBe(2);
    expectSafe(result);
    expect(result.stderr).toContain('x\\x1b]0;owned\\x07');
  });

  it('an option quoted by a parse error is escaped', async () => {
    const result = await run('list', `--x${CLEAR}`);
    expect(result.code).toBe(2);
    expectSafe(result);
    expect(result.stderr).toContain('--x\\x1b[2J');
  });
});

describe('recipe strings in list and show', () => {
  // Whether validation accepts controls in a summary or not, neither command may print them
  // raw: listed, the summary is escaped; rejected, the error quoting it is.
  const summary = `bidi ${RLO}exe.txt csi ${CSI}31m esc ${CLEAR} osc ${TITLE} line\nbreak`;

  beforeEach(async () => {
    await writeTree(join(cwd, 'r'), {
      'hostile/recipe.yaml': recipe('hostile', { summary: quoted(summary) }),
      'bidi/recipe.yaml': recipe('bidi', {
        summary: quoted(`invoice${RLO}fdp.exe`),
        homepage: quoted(`https://example.com/${RLO}x`),
      }),
    });
  });

  it('list prints no raw control, and a line break in a summary does not forge a row', async () => {
    const result = await run('list', '--recipes', 'r');
    expectSafe(result);
    const row = result.stdout.split('\n').find((line) => line.startsWith('bidi '));
    expect(row).toMatch(/invoice\\u202efdp\.exe$/);
    expect(result.stdout.split('\n').some((line) => line.startsWith('break'))).toBe(false);
  });

  it('show prints no raw control, the bidi override escaped', async () => {
    for (const name of ['hostile', 'bidi']) expectSafe(await run('show', name, '--recipes', 'r'));
    const result = await run('show', 'bidi', '--recipes', 'r');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('bidi 1.0.0: invoice\\u202efdp.exe');
    expect(result.stdout).toContain('homepage: https://example.com/\\u202ex');
  });

  it('show --json and list --json give back the exact strings', async () => {
    const shown = await run('show', 'bidi', '--recipes', 'r', '--json');
    expectSafe(shown);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      summary: `invoice${RLO}fdp.exe`,
      homepage: `https://example.com/${RLO}x`,
    });
    const listed = await run('list', '--recipes', 'r', '--json');
    expectSafe(listed);
    const { recipes } = JSON.parse(listed.stdout) as { recipes: { name: string; summary: string }[] };
    expect(recipes.find((r) => r.name === 'bidi')?.summary).toBe(`invoice${RLO}fdp.exe`);
  });
});

describe('zips: entry names, link targets and findings', () => {
  // A non-ASCII character makes the writer set the UTF-8 flag, so the name is read back as
  // written (without it, yauzl reads CP437, which shows 0x1b as a printable arrow).
  const name = `python/${TITLE}é.py`;
  const link = `lib/link${RLO}`;
  const target = `${CLEAR}../../etc/${CSI}passwd`;

  beforeEach(() => {
    handMadeZip(join(cwd, 'evil.zip'), [
      [name, 'x = 1\n', 0o100600],
      [link, target, 0o120777],
    ]);
  });

  it('inspect shows names, link targets and problems escaped', async () => {
    const result = await run('inspect', 'evil.zip');
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stdout).toContain('lib/link\\u202e -> \\x1b[2J../../etc/\\x9bpasswd  [dangling]');
    expect(result.stdout).toContain('error: not-world-readable: python/\\x1b]0;owned\\x07é.py: mode 0600');
  });

  it('inspect --json gives back the exact name and target', async () => {
    const result = await run('inspect', 'evil.zip', '--json');
    expectSafe(result);
    const report = JSON.parse(result.stdout) as {
      symlinks: { path: string; target: string }[];
      problems: { file: string }[];
    };
    expect(report.symlinks).toEqual([expect.objectContaining({ path: link, target })]);
    expect(report.problems.map((p) => p.file)).toContain(name);
  });

  it('audit shows the findings on the zip escaped, and exact under --json', async () => {
    const result = await run('audit', 'evil.zip', '--runtime', 'python3.12');
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stdout).toContain('  python/\\x1b]0;owned\\x07é.py [not-world-readable]');
    expect(result.stdout).toContain('-> \\x1b[2J../../etc/\\x9bpasswd points at nothing in the layer');
    const json = await run('audit', 'evil.zip', '--runtime', 'python3.12', '--json');
    expectSafe(json);
    const { findings } = JSON.parse(json.stdout) as { findings: { file: string; reason: string }[] };
    expect(findings.map((f) => f.file)).toEqual(expect.arrayContaining([name, link]));
    expect(findings.some((f) => f.reason.includes(target))).toBe(true);
  });

  it('audit shows a soname read from an ELF file escaped', async () => {
    // A real program whose DT_NEEDED names a library with an OSC sequence and a bidi override.
    const soname = `libevil${TITLE}${RLO}.so`;
    writeFileSync(join(cwd, 'answer.c'), 'int answer(void) { return 42; }\n');
    writeFileSync(join(cwd, 'tool.c'), 'int answer(void);\nint main(void) { return answer(); }\n');
    execFileSync('gcc', ['-shared', '-fPIC', `-Wl,-soname,${soname}`, '-o', 'libevil.so', 'answer.c'], {
      cwd,
    });
    mkdirSync(join(cwd, 'layer/bin'), { recursive: true });
    execFileSync('gcc', ['tool.c', '-o', 'layer/bin/tool', '-L.', '-levil'], { cwd });
    const result = await run('audit', 'layer', '--runtime', 'provided.al2023');
    expect(result.code).toBe(1);
    expectSafe(result);
    expect(result.stdout).toContain('needs libevil\\x1b]0;owned\\x07\\u202e.so,');
    const json = await run('audit', 'layer', '--runtime', 'provided.al2023', '--json');
    const { findings } = JSON.parse(json.stdout) as { findings: { reason: string }[] };
    expect(findings.some((f) => f.reason.includes(soname))).toBe(true);
  });
});

describe('arns: values read from the lock file', () => {
  it('prints a layer name holding an OSC sequence escaped', async () => {
    const entry = {
      layerName: `evil${TITLE}`,
      recipe: null,
      recipeVersion: null,
      runtimes: ['python3.12'],
      arch: 'x86_64',
      region: 'eu-west-1',
      layerVersionArn: `arn:aws:lambda:eu-west-1:123456789012:layer:evil${CLEAR}:1`,
      layerVersion: 1,
      sha256: 'a'.repeat(64),
      codeSha256: 'x',
      publishedAt: '2025-01-01T00:00:00.000Z',
      current: true,
    };
    writeFileSync(
      join(cwd, 'layerforge.lock.json'),
      JSON.stringify({ lockfileVersion: 1, layers: [entry] }, null, 2),
    );
    const result = await run('arns');
    expect(result.code).toBe(0);
    expectSafe(result);
    expect(result.stdout).toContain('layer:evil\\x1b[2J:1');
    const json = await run('arns', '--json');
    expectSafe(json);
    expect(json.stdout).toContain(JSON.stringify(entry.layerVersionArn).slice(1, -1));
  });
});
