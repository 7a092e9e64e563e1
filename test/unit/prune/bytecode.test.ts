import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cacheTag, compileBytecode, resolveBytecodeMode } from '../../../src/core/builder/bytecode.js';
import { UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import type { BuildImageRunner } from '../../../src/core/prune/build-image-run.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { testJob } from '../../support/job-context.js';
import { tempDir } from '../../support/temp-dir.js';

const python311 = getRuntime('python3.11');
let staging: string;

beforeEach(async () => {
  staging = await tempDir('layerforge-bytecode-');
  await mkdir(join(staging, 'python/pkg/__pycache__'), { recursive: true });
  await writeFile(join(staging, 'python/pkg/__init__.py'), 'x = 1\n');
  await writeFile(
    join(staging, 'python/pkg/__pycache__/__init__.cpython-311.pyc'),
    'stale, timestamp-checked',
  );
});

/** A build image whose Python is `version`: it "compiles" by writing one .pyc per module. */
function imageWithPython(version: string, scripts: string[] = []): BuildImageRunner {
  return async (script) => {
    scripts.push(script);
    if (version !== '3.11')
      return { exitCode: 65, output: [`layerforge: the build image has Python ${version}`] };
    await mkdir(join(staging, 'python/pkg/__pycache__'), { recursive: true });
    await writeFile(join(staging, 'python/pkg/__pycache__/__init__.cpython-311.pyc'), 'unchecked-hash pyc');
    return { exitCode: 0, output: [] };
  };
}

describe('bytecode modes', () => {
  it('auto compiles for safe and max, not for none, and never for non-Python runtimes', () => {
    expect(resolveBytecodeMode('auto', 'safe', python311)).toBe('pyc');
    expect(resolveBytecodeMode('auto', 'max', python311)).toBe('pyc');
    expect(resolveBytecodeMode('auto', 'none', python311)).toBe('none');
    expect(resolveBytecodeMode('pyc-only', 'none', python311)).toBe('pyc-only');
    expect(resolveBytecodeMode('pyc', 'safe', getRuntime('provided.al2023'))).toBe('none');
    expect(cacheTag(getRuntime('python3.13'))).toBe('cpython-313');
  });
});

describe('compileBytecode', () => {
  it("replaces the build's caches and compiles with unchecked-hash invalidation for the runtime's Python", async () => {
    const scripts: string[] = [];
    const { sink, events } = recordEvents();
    const result = await compileBytecode(
      staging,
      'auto',
      'pyc',
      python311,
      imageWithPython('3.11', scripts),
      testJob({ sink }),
    );
    expect(result).toEqual({ mode: 'pyc', modules: 1, bytes: 'unchecked-hash pyc'.length });
    expect(scripts[0]).toMatch(/command -v python3\.11/);
    expect(scripts[0]).toMatch(/compileall -q -f -j0 --invalidation-mode unchecked-hash \/opt\/python$/);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'info',
        message: expect.stringMatching(/^bytecode: 1 module\(s\) compiled for Python 3\.11/),
      }),
    );
  });

  it('with auto, a build image with another Python skips compiling with a warning; the stale caches are gone anyway', async () => {
    const { sink, events } = recordEvents();
    const result = await compileBytecode(
      staging,
      'auto',
      'pyc',
      python311,
      imageWithPython('3.12'),
      testJob({ sink }),
    );
    expect(result.mode).toBe('none');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        code: 'bytecode-skipped',
        message: expect.stringMatching(/Python 3\.12, but python3\.11 needs bytecode for Python 3\.11/),
      }),
    );
    expect(existsSync(join(staging, 'python/pkg/__pycache__'))).toBe(false);
  });

  it('an explicit --bytecode pyc is refused when the Pythons differ', async () => {
    const error = await compileBytecode(
      staging,
      'pyc',
      'pyc',
      python311,
      imageWithPython('3.12'),
      testJob(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^cannot compile bytecode: layerforge: the build image has Python 3\.12/,
    );
  });

  it('does nothing for a layer without python/ or with --bytecode none', async () => {
    const runs: string[] = [];
    expect(
      await compileBytecode(staging, 'none', 'none', python311, imageWithPython('3.11', runs), testJob()),
    ).toEqual({ mode: 'none', modules: 0, bytes: 0 });
    await rm(join(staging, 'python'), { recursive: true });
    expect(
      (await compileBytecode(staging, 'auto', 'pyc', python311, imageWithPython('3.11', runs), testJob()))
        .modules,
    ).toBe(0);
    expect(runs).toEqual([]);
  });
});
