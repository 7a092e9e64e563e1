// The README's Configuration section documents every key of layerforge.config.yaml and every
// environment variable the code reads: a new key or variable fails here until it has its row.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config-schema.js';

const repo = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

/** The README's text between a heading and the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, `README has no "${heading}"`).toBeGreaterThan(-1);
  const level = /^#+/.exec(heading)?.[0] ?? '#';
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end === -1 ? rest : rest.slice(0, end);
}

/** The first cell of each table row: the names the table documents. */
function tableNames(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `') || line.startsWith('| other'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Names read as `env.NAME` or `env['NAME']`; a template `env[\`AWS_X_${…}\`]` gives its prefix. */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(repo, 'src')), join(repo, 'bin', 'layerforge.js')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|\benv\[['"`]([A-Z][A-Z0-9_]*)/g))
      names.add(m[1] ?? m[2] ?? '');
  }
  return [...names].sort();
}

describe('README: Configuration', () => {
  it('documents every key of layerforge.config.yaml', () => {
    const documented = tableNames(section('### layerforge.config.yaml'));
    expect(documented.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('documents every environment variable the code reads', () => {
    const documented = tableNames(section('### Environment variables'));
    const read = variablesRead();
    expect(read.length).toBeGreaterThan(10);
    const missing = read.filter((name) =>
      name.endsWith('_') ? !documented.some((d) => d.startsWith(name)) : !documented.includes(name),
    );
    expect(missing, 'add a row to the README table for each').toEqual([]);
  });
});
