// docs/architecture.md is the map a contributor reads first: it must name what the tree holds.
// Renaming or moving a file without updating the map fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const quoted = [...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? '');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function folders(dir: string, prefix: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [
      `${prefix}${entry.name}/`,
      ...folders(join(dir, entry.name), `${prefix}${entry.name}/`),
    ]);
}

describe('docs/architecture.md matches the tree', () => {
  it('every path it names exists, from the top or from src/core', () => {
    const paths = quoted.filter((q) => q.includes('/') && !/[<*:]/.test(q) && !q.startsWith('/'));
    expect(paths.length).toBeGreaterThan(40);
    const missing = paths.filter(
      (p) =>
        !existsSync(join(root, p.replace(/\(\)$/, ''))) &&
        !existsSync(join(root, 'src/core', p)) &&
        !existsSync(join(root, 'src/ui', p)) &&
        !existsSync(join(root, 'test', p)),
    );
    expect(missing).toEqual([]);
  });

  it('every file it names by itself exists under src', () => {
    const names = new Set(sourceFiles(join(root, 'src')).map((f) => basename(f)));
    const bare = quoted.filter((q) => /^[\w.-]+\.tsx?$/.test(q));
    expect(bare.length).toBeGreaterThan(5);
    expect(bare.filter((name) => !names.has(name))).toEqual([]);
  });

  it('every folder of the core has a row in the rooms table', () => {
    const rows = new Set([...doc.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]));
    const core = folders('src/core', 'src/core/');
    expect(core).toContain('src/core/builder/');
    expect(core.filter((folder) => !rows.has(folder))).toEqual([]);
  });
});
