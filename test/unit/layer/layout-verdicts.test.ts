// One table of layouts through `audit` and `inspect`: both apply the layer's one rule set, so
// each row must get the same findings (code, severity, path) from each, in the core and on the
// command line.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditLayer } from '../../../src/core/audit/audit-layer.js';
import { resolveAuditTarget } from '../../../src/core/audit/target.js';
import { inspectLayerZip } from '../../../src/core/layer/inspect.js';
import { runLayerforge } from '../../cli/cli-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { handMadeZip } from './helpers.js';

type ZipEntry = [name: string, content: string, mode: number];

const FILE = 0o100000;
const DIR = 0o040000;
const LINK = 0o120777;
const LAYOUT_CODES = new Set([
  'outside-runtime-paths',
  'not-executable',
  'not-world-readable',
  'dangling-symlink',
  'escaping-symlink',
]);

interface Row {
  name: string;
  runtime: string;
  entries: ZipEntry[];
  /** `severity code path`, sorted. */
  expected: string[];
}

const ROWS: Row[] = [
  {
    name: 'a program on PATH with no exec bit',
    runtime: 'python3.12',
    entries: [['bin/tool', '#!/bin/sh\n', FILE | 0o644]],
    expected: ['error not-executable bin/tool'],
  },
  {
    // Lambda's user (uid 993) is neither the owner nor in the group: 0744 does not let it run.
    name: 'a program on PATH executable by its owner only',
    runtime: 'python3.12',
    entries: [['bin/tool', '#!/bin/sh\n', FILE | 0o744]],
    expected: ['error not-executable bin/tool'],
  },
  {
    name: 'a program on PATH executable by everyone',
    runtime: 'python3.12',
    entries: [['bin/tool', '#!/bin/sh\n', FILE | 0o755]],
    expected: [],
  },
  {
    name: 'a custom runtime bootstrap with no exec bit',
    runtime: 'provided.al2023',
    entries: [['bootstrap', '#!/bin/sh\n', FILE | 0o644]],
    expected: ['error not-executable bootstrap'],
  },
  {
    name: 'a file only its owner can read',
    runtime: 'python3.12',
    entries: [['python/secret.py', 'TOKEN = 1\n', FILE | 0o600]],
    expected: ['error not-world-readable python/secret.py'],
  },
  {
    name: 'a folder nobody else can enter, reported once',
    runtime: 'python3.12',
    entries: [
      ['python/private/', '', DIR | 0o700],
      ['python/private/mod.py', 'x = 1\n', FILE | 0o644],
    ],
    expected: ['error not-world-readable python/private'],
  },
  {
    name: 'a library outside the search paths',
    runtime: 'python3.12',
    entries: [['vendor/libx.so', 'x', FILE | 0o755]],
    expected: ['warning outside-runtime-paths vendor'],
  },
  {
    name: 'data outside the search paths',
    runtime: 'python3.12',
    entries: [['share/proj/proj.db', 'db', FILE | 0o644]],
    expected: ['info outside-runtime-paths share'],
  },
  {
    name: 'a top-level junk file',
    runtime: 'python3.12',
    entries: [['README.md', '# notes\n', FILE | 0o644]],
    expected: ['info outside-runtime-paths README.md'],
  },
  {
    name: 'a Python package at the root instead of under python/',
    runtime: 'python3.12',
    entries: [['numpy/__init__.py', 'import numpy.core\n', FILE | 0o644]],
    expected: ['error outside-runtime-paths numpy'],
  },
  {
    name: 'node_modules at the root instead of under nodejs/',
    runtime: 'nodejs20.x',
    entries: [['node_modules/sharp/index.js', '', FILE | 0o644]],
    expected: ['error outside-runtime-paths node_modules'],
  },
  {
    name: "another family's folder",
    runtime: 'python3.12',
    entries: [['nodejs/node_modules/sharp/index.js', '', FILE | 0o644]],
    expected: ['warning outside-runtime-paths nodejs'],
  },
  {
    name: 'python/ laid out for another Python version',
    runtime: 'python3.12',
    entries: [['python/lib/python3.11/site-packages/yaml/__init__.py', '', FILE | 0o644]],
    expected: ['warning outside-runtime-paths python/lib/python3.11'],
  },
  {
    name: 'nodejs/ laid out for another Node.js version',
    runtime: 'nodejs20.x',
    entries: [['nodejs/node18/node_modules/sharp/index.js', '', FILE | 0o644]],
    expected: ['warning outside-runtime-paths nodejs/node18'],
  },
  {
    name: 'an absolute link leaving the layer',
    runtime: 'python3.12',
    entries: [['lib/libssl.so', '/usr/lib64/libssl.so.3', LINK]],
    expected: ['error escaping-symlink lib/libssl.so'],
  },
  {
    name: 'a relative link climbing out of the layer',
    runtime: 'python3.12',
    entries: [['python/escape', '../../etc/passwd', LINK]],
    expected: ['error escaping-symlink python/escape'],
  },
  {
    name: 'an absolute link into /opt that reaches a file of the layer',
    runtime: 'python3.12',
    entries: [
      ['lib/libz.so.1', 'z', FILE | 0o644],
      ['lib/libz.so', '/opt/lib/libz.so.1', LINK],
    ],
    expected: [],
  },
  {
    name: 'a dangling link',
    runtime: 'python3.12',
    entries: [['lib/libgone.so', 'libgone.so.1', LINK]],
    expected: ['warning dangling-symlink lib/libgone.so'],
  },
  {
    name: 'a link loop',
    runtime: 'python3.12',
    entries: [
      ['lib/a', 'b', LINK],
      ['lib/b', 'a', LINK],
    ],
    expected: ['warning dangling-symlink lib/a', 'warning dangling-symlink lib/b'],
  },
];

let dir = '';
beforeEach(async () => {
  dir = await tempDir('layerforge-verdicts-');
});

const verdicts = (findings: readonly { severity: string; code: string; file: string }[]) =>
  findings
    .filter((f) => LAYOUT_CODES.has(f.code))
    .map((f) => `${f.severity} ${f.code} ${f.file}`)
    .sort();

describe('audit and inspect give one verdict per layout', () => {
  it.each(ROWS)('$name', async ({ name, runtime, entries, expected }) => {
    const zipPath = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.zip`);
    handMadeZip(zipPath, entries);
    const target = await resolveAuditTarget({ runtime, arch: 'x86_64' });
    const audited = verdicts((await auditLayer(zipPath, target)).findings);
    const inspected = verdicts((await inspectLayerZip(zipPath, { runtime })).problems);
    expect(audited).toEqual(expected);
    expect(inspected).toEqual(expected);
  });

  it('agrees on the command line too, for every python3.12 row in one zip', async () => {
    const rows = ROWS.filter((row) => row.runtime === 'python3.12');
    // The rows' paths do not collide, so one zip carries them all; the two commands must agree on it.
    const entries = rows.flatMap((row) => row.entries);
    handMadeZip(join(dir, 'all.zip'), entries);
    const audit = await runLayerforge(['audit', 'all.zip', '--runtime', 'python3.12', '--json'], {
      cwd: dir,
    });
    const inspect = await runLayerforge(['inspect', 'all.zip', '--runtime', 'python3.12', '--json'], {
      cwd: dir,
    });
    expect(audit.code).toBe(1);
    expect(inspect.code).toBe(1);
    const { findings } = JSON.parse(audit.stdout) as {
      findings: { severity: string; code: string; file: string }[];
    };
    const { problems } = JSON.parse(inspect.stdout) as {
      problems: { severity: string; code: string; file: string }[];
    };
    expect(verdicts(findings)).toEqual(verdicts(problems));
    expect(verdicts(findings).length).toBeGreaterThan(10);
  });
});
