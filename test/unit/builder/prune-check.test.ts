import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { pruneLayer } from '../../../src/core/builder/prune.js';
import type { BuildTarget } from '../../../src/core/builder/resolve-target.js';
import type { ContainerSpec } from '../../../src/core/engine/container-engine.js';
import { LABELS } from '../../../src/core/engine/container-engine.js';
import { recordEvents } from '../../../src/core/events.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, loadedRecipe, makeRecipe } from './helpers.js';

let work: string;
let staging: string;

beforeEach(async () => {
  work = await tempDir();
  staging = join(work, 'opt');
  await mkdir(staging, { mode: 0o755 });
  await chmod(staging, 0o755);
  for (const [path, content] of Object.entries({
    'python/pkg/__init__.py': 'x = 1\n',
    'python/pkg/data.txt': 'data\n',
    'share/doc/pkg/README': 'read me\n',
    'include/pkg.h': '#define PKG 1\n',
  })) {
    await mkdir(dirname(join(staging, path)), { recursive: true });
    await writeFile(join(staging, path), content, { mode: 0o644 });
  }
});

const target = (tests: { name: string; run: string }[]): BuildTarget => ({
  loaded: loadedRecipe(
    makeRecipe({
      runtimes: ['python3.11'],
      architectures: ['x86_64'],
      install: { python: { requirements: ['pkg==1.0'] } },
      tests,
    }),
  ),
  runtime: getRuntime('python3.11'),
  arch: 'x86_64',
  base: handBase('debian12'),
});

const TESTS = [
  { name: 'imports', run: 'python3 -c "import pkg"' },
  { name: 'reads its docs', run: 'cat /opt/share/doc/pkg/README' },
];

/** The folder a smoke-test container had at /opt, and what was in it while the container ran. */
interface SeenRun {
  spec: ContainerSpec;
  optDir: string;
  hadDocs: boolean;
  dataMode: number;
}

/** A fake engine whose smoke tests look at the mounted /opt: `reads its docs` fails without them. */
function engineSeeing(runs: SeenRun[]): FakeEngine {
  const engine = new FakeEngine();
  engine.onRun = (spec) => {
    if (spec.labels?.[LABELS.purpose] !== 'smoke-test') return {};
    const mount = spec.mounts?.find((m) => m.containerPath === '/opt');
    const optDir = mount?.hostPath ?? '';
    const hadDocs = existsSync(join(optDir, 'share/doc/pkg/README'));
    runs.push({
      spec,
      optDir,
      hadDocs,
      dataMode: statSync(join(optDir, 'python/pkg/data.txt')).mode & 0o7777,
    });
    if (spec.command[0]?.includes('/opt/share/doc') && !hadDocs) return { exitCode: 1 };
    return { lines: ['ok'] };
  };
  return engine;
}

describe('the prune step checks the rules on the staged tree', () => {
  it('mounts the staged tree itself read-only at /opt, one container per test, and checks every rule in one run', async () => {
    const runs: SeenRun[] = [];
    const { sink, events } = recordEvents();
    const result = await pruneLayer(
      staging,
      work,
      target([TESTS[0] ?? { name: '', run: '' }]),
      engineSeeing(runs),
      { profile: 'safe', bytecode: 'none' },
      { sink, signal: new AbortController().signal },
    );
    expect(runs.map((r) => [r.optDir, r.spec.mounts?.[0]?.readOnly])).toEqual([[staging, true]]);
    // The tests saw the layer pruned: both rules applied at once.
    expect(runs[0]?.hadDocs).toBe(false);
    expect(result.records).toEqual([
      { rule: 'docs', bytesSaved: 8, reverted: false },
      { rule: 'headers', bytesSaved: 14, reverted: false },
    ]);
    expect(events).toContainEqual({
      type: 'info',
      message: 'prune: 2 of 2 rule(s) kept, checked by 1 smoke test(s) in 1 run(s)',
    });
    expect(existsSync(join(work, 'prune-check.zip'))).toBe(false);
  });

  it('finds the rule that breaks a test, reverts it, and keeps the others', async () => {
    const runs: SeenRun[] = [];
    const { sink } = recordEvents();
    const result = await pruneLayer(
      staging,
      work,
      target(TESTS),
      engineSeeing(runs),
      { profile: 'safe', bytecode: 'none' },
      { sink, signal: new AbortController().signal },
    );
    expect(result.records).toEqual([
      { rule: 'docs', bytesSaved: 0, reverted: true },
      { rule: 'headers', bytesSaved: 14, reverted: false },
    ]);
    expect(existsSync(join(staging, 'share/doc/pkg/README'))).toBe(true);
    expect(existsSync(join(staging, 'include/pkg.h'))).toBe(false);
    expect(new Set(runs.map((r) => r.optDir))).toEqual(new Set([staging]));
  });

  it('tests a copy with the modes the zip stores when the staged tree has others', async () => {
    await chmod(join(staging, 'python/pkg/data.txt'), 0o600);
    const runs: SeenRun[] = [];
    const { sink } = recordEvents();
    await pruneLayer(
      staging,
      work,
      target([TESTS[0] ?? { name: '', run: '' }]),
      engineSeeing(runs),
      { profile: 'safe', bytecode: 'none' },
      { sink, signal: new AbortController().signal },
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]?.optDir).not.toBe(staging);
    // What Lambda would see once the zip is extracted: world-readable.
    expect(runs[0]?.dataMode).toBe(0o644);
    expect(statSync(join(staging, 'python/pkg/data.txt')).mode & 0o7777).toBe(0o600);
  });

  it('compiles bytecode once the remove rules have run, and compiles what a reverted rule puts back', async () => {
    await mkdir(join(staging, 'python/pkg/tests'), { recursive: true });
    await writeFile(join(staging, 'python/pkg/tests/test_pkg.py'), 'assert True\n', { mode: 0o644 });
    const compiles: { script: string; hadTests: boolean }[] = [];
    const engine = new FakeEngine();
    engine.onRun = (spec) => {
      const hadTests = existsSync(join(staging, 'python/pkg/tests/test_pkg.py'));
      if (spec.labels?.[LABELS.purpose] === 'bytecode')
        compiles.push({ script: spec.command[0] ?? '', hadTests });
      // The test needs the test suite: the recipe's rule that takes it must be reverted.
      if (spec.labels?.[LABELS.purpose] === 'smoke-test') return { exitCode: hadTests ? 0 : 1 };
      return {};
    };
    const base = target([{ name: 'runs its own tests', run: 'python3 -m pkg.tests.test_pkg' }]);
    base.loaded.recipe.prune = { remove: ['python/pkg/tests'], protect: [], skip: [] };
    const result = await pruneLayer(
      staging,
      work,
      base,
      engine,
      { profile: 'safe', bytecode: 'pyc' },
      { sink: () => {}, signal: new AbortController().signal },
    );
    expect(result.records).toEqual([
      { rule: 'remove python/pkg/tests', bytesSaved: 0, reverted: true },
      { rule: 'docs', bytesSaved: 8, reverted: false },
      { rule: 'headers', bytesSaved: 14, reverted: false },
    ]);
    expect(
      compiles.map((c) => [c.script.split('\n').at(-1)?.split('unchecked-hash ')[1], c.hadTests]),
    ).toEqual([
      ['/opt/python', false],
      ["'/opt/python/pkg/tests'", true],
    ]);
  });
});
