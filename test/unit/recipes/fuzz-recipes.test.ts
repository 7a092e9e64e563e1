// Seeded fuzzing of recipe.yaml through `layerforge show` (and of layerforge.config.yaml through
// `layerforge list`), in-process: byte flips, hostile YAML
// tokens and hostile values spliced into real recipes. Whatever the file holds, show exits 0 or 2,
// prints no stack trace, no "internal error", no raw control character, and returns promptly.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/core/paths.js';
import { removeDir, runLayerforge, tempDir } from '../../cli/cli-harness.js';

const RUNS = 1000;
const CONFIG_RUNS = 200;
const CONFIG = `# project settings
recipeDirs: [recipes]
base: debian12
outDir: dist
reserveMB: 10
`;
const SEED = 0x1a7e12;

/** mulberry32: small, seeded, good enough to spread mutations. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '&a ',
  '*a',
  '? [a, b]\n: c\n',
  '!!binary ',
  '!!js/function ',
  '{',
  '}',
  '[',
  ']',
  ': ',
  '- ',
  '\t',
  '"\\e[2J"',
  '"\\x9b"',
  "'",
  '"',
  '#',
  '---\n',
  '<<: *a\n',
  '%YAML 1.1\n',
  '\u0000',
  '\u001b]0;pwned\u0007',
  '../../etc/passwd',
  '/etc/shadow',
  'https://169.254.169.254/',
  'https://u:p@example.com/x',
  '--index-url=x',
  '99999999999999999999999.0.0',
  '..',
  '\\',
  '\r',
  '\ufeff',
  '\u202e',
];
const BYTES = [0x00, 0x07, 0x1b, 0x7f, 0x80, 0x9b, 0xc0, 0xed, 0xfe, 0xff];

function mutate(base: Buffer, next: () => number): Buffer {
  let bytes = Buffer.from(base);
  const pick = (n: number) => Math.floor(next() * n);
  const times = 1 + pick(4);
  for (let k = 0; k < times; k++) {
    const at = pick(bytes.length + 1);
    const op = pick(5);
    if (op === 0 && bytes.length > 0) {
      bytes[Math.min(at, bytes.length - 1)] = BYTES[pick(BYTES.length)] ?? 0;
    } else if (op === 1) {
      bytes = Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from(TOKENS[pick(TOKENS.length)] ?? ''),
        bytes.subarray(at),
      ]);
    } else if (op === 2) {
      bytes = Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(Math.min(bytes.length, at + 1 + pick(40))),
      ]);
    } else if (op === 3) {
      // Repeat a slice: duplicate keys, deeper nesting, longer values.
      const end = Math.min(bytes.length, at + pick(80));
      bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
    } else {
      const lines = bytes.toString('latin1').split('\n');
      const line = pick(lines.length);
      const value = TOKENS[pick(TOKENS.length)] ?? '';
      lines[line] = (lines[line] ?? '').replace(/: .*$/, `: ${value}`);
      bytes = Buffer.from(lines.join('\n'), 'latin1');
    }
  }
  return bytes;
}

/** Raw C0 (but tab and newline), DEL and C1 characters: none may reach the terminal. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let root = '';
let bases: Buffer[] = [];
beforeAll(async () => {
  root = await tempDir('layerforge-fuzz-');
  // The bundled hello folder: its script and tarball make unmutated lines valid.
  await cp(join(packageRoot, 'recipes', 'hello'), join(root, 'recipes', 'fuzz'), { recursive: true });
  bases = await Promise.all(
    ['hello', 'jq', 'pandas', 'imagemagick'].map((name) =>
      readFile(join(packageRoot, 'recipes', name, 'recipe.yaml')),
    ),
  );
});
afterAll(async () => removeDir(root));

describe('fuzzed recipes through layerforge show', () => {
  it(`${RUNS} mutated recipes (seed ${SEED}) exit 0 or 2, with no stack, no internal error and no control character`, async () => {
    const next = random(SEED);
    const seen = new Map<number, number>();
    for (let i = 0; i < RUNS; i++) {
      const base = bases[i % bases.length] ?? Buffer.alloc(0);
      const text = mutate(base, next);
      await writeFile(join(root, 'recipes', 'fuzz', 'recipe.yaml'), text);
      const name = /^name: *([a-z0-9-]+)/m.exec(text.toString('latin1'))?.[1] ?? 'fuzz';
      const started = Date.now();
      const run = await runLayerforge(['show', name === 'fuzz' ? 'fuzz' : name, '--recipes', 'recipes'], {
        cwd: root,
      });
      const context = `run ${i}: ${JSON.stringify(text.toString('latin1').slice(0, 2000))}\n${run.stderr}`;
      expect([0, 2], context).toContain(run.code);
      expect(run.stderr, context).not.toMatch(/^\s+at /m);
      expect(run.stderr, context).not.toContain('internal error');
      expect(run.stdout + run.stderr, context).not.toMatch(CONTROL);
      expect(Date.now() - started, context).toBeLessThan(10_000);
      seen.set(run.code, (seen.get(run.code) ?? 0) + 1);
    }
    // Mutations that keep the recipe valid exist too: the fuzzer does not only produce garbage.
    expect(seen.get(0) ?? 0).toBeGreaterThan(0);
    expect(seen.get(2) ?? 0).toBeGreaterThan(RUNS / 2);
  }, 600_000);
});

describe('fuzzed layerforge.config.yaml through layerforge list', () => {
  it(`${CONFIG_RUNS} mutated config files (seed ${SEED}) exit 0 or 2, with no stack, no internal error and no control character`, async () => {
    const next = random(SEED + 1);
    const cwd = join(root, 'project');
    await cp(join(root, 'recipes'), join(cwd, 'recipes'), { recursive: true });
    await writeFile(join(cwd, 'recipes', 'fuzz', 'recipe.yaml'), bases[0] ?? '');
    const seen = new Map<number, number>();
    for (let i = 0; i < CONFIG_RUNS; i++) {
      const text = mutate(Buffer.from(CONFIG), next);
      await writeFile(join(cwd, 'layerforge.config.yaml'), text);
      const started = Date.now();
      const run = await runLayerforge(['list'], { cwd });
      const context = `run ${i}: ${JSON.stringify(text.toString('latin1'))}\n${run.stderr}`;
      expect([0, 2], context).toContain(run.code);
      expect(run.stderr, context).not.toMatch(/^\s+at /m);
      expect(run.stderr, context).not.toContain('internal error');
      expect(run.stdout + run.stderr, context).not.toMatch(CONTROL);
      expect(Date.now() - started, context).toBeLessThan(10_000);
      seen.set(run.code, (seen.get(run.code) ?? 0) + 1);
    }
    expect(seen.get(0) ?? 0).toBeGreaterThan(0);
    expect(seen.get(2) ?? 0).toBeGreaterThan(CONFIG_RUNS / 4);
  }, 600_000);
});
