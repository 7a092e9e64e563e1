import type { Random } from './random.js';

/**
 * Text a hostile or careless author might put in a recipe or config file: YAML's sharp edges
 * (alias bombs, complex keys, tags, merge keys, deep nesting), terminal escapes, invalid UTF-8,
 * and values that try to leave the recipe folder or reach the network's sensitive places.
 */
const SNIPPETS: readonly string[] = [
  'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
  '? [a, b]\n: 1\n',
  '? {a: 1}\n: 2\n',
  '<<: *nowhere\n',
  'x: !!binary aGVsbG8=\n',
  'x: !!js/function "function(){}"\n',
  '%YAML 1.1\n---\n',
  '---\n...\n---\n',
  `${'['.repeat(2000)}${']'.repeat(2000)}\n`,
  `summary: "${'\\x1b]0;pwned\\x07'}\\x1b[2J"\n`,
  'summary: "\u202eevil"\n',
  'summary: "\u009b31m"\n',
  '\x1b[2Jname: x\n',
  'url: https://169.254.169.254/latest/meta-data/\n',
  'url: https://user:secret@example.org/x.tar.gz\n',
  'url: http://127.0.0.1:1/x.tar.gz\n',
  'path: ../../../../etc/passwd\n',
  'path: evil.sh\n',
  'script: evil.sh\n',
  'script: /etc/shadow\n',
  'filename: ..\n',
  'filename: a/../../b\n',
  '  - --index-url=https://example.org/simple\n',
  '  - --no-binary=:all:\n',
  'binaries: [../../etc, /bin/sh]\n',
  'libraries: [../x.so]\n',
  'version: 100000000000000000000.0.0\n',
  'version: 1.0.0-\u0000\n',
  'runtimes: [python3.12\x1b[31m]\n',
  'architectures: [arm64, x86_64, sparc]\n',
  'timeoutMinutes: 1e309\n',
  'timeoutMinutes: -1\n',
  'unzippedMB: .nan\n',
  '\t- tab indented\n',
  '"\\uD800": lone surrogate\n',
];

const BYTES: readonly number[] = [
  0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x26, 0x2a, 0x3a, 0x7f, 0x80, 0xc3, 0xff,
];

type Mutation = (text: Buffer, random: Random) => Buffer;

const flipByte: Mutation = (text, random) => {
  if (text.length === 0) return text;
  const copy = Buffer.from(text);
  const at = random.int(copy.length);
  copy[at] = (copy[at] ?? 0) ^ (1 << random.int(8));
  return copy;
};

const insertByte: Mutation = (text, random) => {
  const at = random.int(text.length + 1);
  return Buffer.concat([text.subarray(0, at), Buffer.from([random.pick(BYTES)]), text.subarray(at)]);
};

const deleteRange: Mutation = (text, random) => {
  const at = random.int(text.length + 1);
  const length = random.int(40);
  return Buffer.concat([text.subarray(0, at), text.subarray(at + length)]);
};

const duplicateRange: Mutation = (text, random) => {
  const at = random.int(text.length + 1);
  const length = random.int(200);
  const slice = text.subarray(at, at + length);
  return Buffer.concat([text.subarray(0, at), slice, slice, text.subarray(at + length)]);
};

/** Puts a hostile snippet at the start of a random line, so it lands inside some mapping. */
const insertSnippet: Mutation = (text, random) => {
  const lines = text.toString('latin1').split('\n');
  const at = random.int(lines.length + 1);
  const indent = random.pick(['', '  ', '    ']);
  const snippet = random
    .pick(SNIPPETS)
    .split('\n')
    .map((l) => (l === '' ? l : indent + l))
    .join('\n');
  lines.splice(at, 0, ...snippet.split('\n'));
  return Buffer.from(lines.join('\n'), 'utf8');
};

/** Replaces the value after some `key:` with a hostile snippet's value. */
const replaceValue: Mutation = (text, random) => {
  const source = text.toString('utf8');
  const values = [...source.matchAll(/: (.+)$/gm)];
  if (values.length === 0) return insertSnippet(text, random);
  const match = random.pick(values);
  const snippet = random.pick(SNIPPETS);
  const value = snippet.includes(': ') ? snippet.slice(snippet.indexOf(': ') + 2).trimEnd() : snippet.trim();
  const start = (match.index ?? 0) + 2;
  return Buffer.from(source.slice(0, start) + value + source.slice(start + (match[1]?.length ?? 0)));
};

const swapLines: Mutation = (text, random) => {
  const lines = text.toString('utf8').split('\n');
  const a = random.int(lines.length);
  const b = random.int(lines.length);
  [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
  return Buffer.from(lines.join('\n'));
};

const MUTATIONS: readonly Mutation[] = [
  flipByte,
  insertByte,
  deleteRange,
  duplicateRange,
  insertSnippet,
  insertSnippet,
  replaceValue,
  replaceValue,
  swapLines,
];

/** One to four mutations of a valid file. */
export function mutateText(seed: Buffer, random: Random): Buffer {
  let text = seed;
  const rounds = 1 + random.int(4);
  for (let i = 0; i < rounds; i++) text = random.pick(MUTATIONS)(text, random);
  return text;
}
