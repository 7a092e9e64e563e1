// The Python step of the build plan for recipes made from dependency files: a requirements file
// written by a heredoc, hashes enforced, sdists built only by a Python that is the target's.
import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedBase } from '../../../src/core/base-images/resolve.js';
import { buildImagePython, buildPlan, PYTHON_REPORT } from '../../../src/core/builder/plan.js';
import { recipeSchema } from '../../../src/core/recipes/schema.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';
import { handBase, makeRecipe } from './helpers.js';

const HASH = 'b'.repeat(64);

/** A stand-in base whose build image has the given Python (base.yaml's `languages.python`). */
function standIn(python: string): ResolvedBase {
  const base = handBase('debian12');
  return {
    ...base,
    loaded: {
      dir: '/nonexistent/base',
      definition: {
        name: 'fake-stand-in',
        summary: 'a stand-in written by hand',
        standIn: true,
        architectures: ['x86_64'],
        os: base.os,
        packageManager: 'apt',
        languages: { python },
        runtimes: ['python3.11', 'python3.12'],
        source: { kind: 'debootstrap', suite: 'bookworm', variant: 'minbase', include: [] },
        build: 'build.Dockerfile',
        runtime: 'runtime.Dockerfile',
      },
    },
  };
}

const sdistRecipe = (requirements: string[]) =>
  makeRecipe({
    runtimes: ['python3.11', 'python3.12'],
    install: { python: { requirements, binaryOnly: false } },
  });

/**
 * Runs the plan's Python part with sh, a fake `python3` that records its arguments and stdin
 * and exits with `exitCode`; returns the status, stderr and what python3 was called with.
 */
async function runWithFakePython(
  plan: string,
  exitCode: number,
  failOn = '',
): Promise<{ status: number | null; stderr: string; calls: string; requirements: string }> {
  const dir = await tempDir('layerforge-plan-py-');
  const bin = join(dir, 'bin');
  await writeFile(join(dir, 'calls'), '');
  spawnSync('mkdir', ['-p', bin]);
  await writeFile(
    join(bin, 'python3'),
    `#!/bin/sh\necho "$*" >> ${dir}/calls\n${failOn ? `case "$*" in *'${failOn}'*) exit 1;; esac\n` : ''}exit ${exitCode}\n`,
  );
  await chmod(join(bin, 'python3'), 0o755);
  const pythonPart = plan
    .split('\n')
    .filter((l) => !l.startsWith('sh /layerforge/') && !l.startsWith('mkdir -p /layerforge-meta'))
    .join('\n');
  const result = spawnSync('sh', ['-c', pythonPart], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, WORK: dir },
  });
  return {
    status: result.status,
    stderr: result.stderr,
    calls: await readFile(join(dir, 'calls'), 'utf8'),
    requirements: await readFile(join(dir, 'requirements.txt'), 'utf8').catch(() => ''),
  };
}

describe('buildPlan: requirements from dependency files', () => {
  it('writes the requirements, hashes included, to a file pip reads with --require-hashes', async () => {
    const lines = [
      `six==1.17.0 --hash=sha256:${HASH}`,
      `numpy==2.2.6 ; python_version >= "3.9" --hash=sha256:${HASH}`,
    ];
    const plan = buildPlan(sdistRecipe(lines), getRuntime('python3.11'), standIn('3.11'));
    const run = await runWithFakePython(plan, 0);
    expect(run.status).toBe(0);
    // Byte for byte: quoted heredoc, nothing expanded.
    expect(run.requirements).toBe(`${lines.join('\n')}\n`);
    // A hash-pinned lock is the whole closure: no resolution, --no-deps with the target's tags.
    expect(run.calls.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.calls).toContain('--require-hashes');
    expect(run.calls).toContain(
      '--no-deps --require-hashes --implementation cp --python-version 3.11 --abi cp311',
    );
    expect(run.calls).toMatch(new RegExp(`--report ${PYTHON_REPORT} -r \\S+/requirements\\.txt$`, 'm'));
  });

  it('installs wheels for the target first; resolves with the build image’s Python only when one is missing', async () => {
    const plan = buildPlan(sdistRecipe(['pyqldb==3.2.3']), getRuntime('python3.11'), standIn('3.11'));
    const pipCalls = (calls: string) =>
      calls.split('\n').filter((l) => l.startsWith('-m pip') || l.startsWith('-c '));
    // Every package has a wheel: one call, wheels only, resolved for the target's tags.
    const wheels = await runWithFakePython(plan, 0);
    expect(pipCalls(wheels.calls)).toHaveLength(1);
    expect(wheels.calls).toMatch(
      /--only-binary=:all: --implementation cp --python-version 3\.11 .* -r \S+requirements\.txt$/m,
    );
    // The wheels-only install fails (pyqldb is an sdist): resolve, pin, install with --no-deps.
    const run = await runWithFakePython(plan, 0, '--only-binary');
    expect(run.status).toBe(0);
    const calls = pipCalls(run.calls);
    expect(calls, run.calls).toHaveLength(4);
    expect(calls[1]).toMatch(
      /--dry-run --ignore-installed --quiet --report .*resolved\.json -r .*requirements\.txt$/,
    );
    expect(calls[2]).toMatch(/^-c import json, sys/);
    expect(calls[3]).toMatch(/--no-deps --implementation cp --python-version 3\.11 .* -r .*pinned\.txt$/);
    expect(calls[3]).not.toContain('--only-binary');
  });

  it('refuses an sdist when the build image’s Python is not the target’s, naming both (exit 3)', async () => {
    // python3.12 on a stand-in whose build image has Python 3.11: wheels only, and a failure says why.
    const plan = buildPlan(sdistRecipe(['pyqldb==3.2.3']), getRuntime('python3.12'), standIn('3.11'));
    expect(plan).not.toContain('--dry-run');
    const run = await runWithFakePython(plan, 1);
    expect(run.status).toBe(3);
    expect(run.calls).toContain('--only-binary=:all:');
    expect(run.stderr).toContain(
      'layerforge: a package has no wheel for Python 3.12 (x86_64, glibc ≤ 2.34), and its sdist cannot be built here: the build image of hand-debian12 has Python 3.11, not 3.12; pip names the package above',
    );
    // When every package has a wheel, the same plan succeeds.
    expect((await runWithFakePython(plan, 0)).status).toBe(0);
  });

  it('knows the build image’s Python: the runtime’s on the official images, base.yaml’s on a stand-in', () => {
    expect(buildImagePython(handBase('al2023'), getRuntime('python3.12'))).toBe('3.12');
    expect(buildImagePython(standIn('3.11'), getRuntime('python3.12'))).toBe('3.11');
  });
});

describe('the requirement value a recipe may hold', () => {
  const parse = (requirement: string) =>
    recipeSchema.safeParse({
      name: 'x',
      version: '1.0.0',
      summary: 's',
      license: 'MIT',
      homepage: 'https://example.com/x',
      runtimes: ['python3.11'],
      architectures: ['x86_64'],
      install: { python: { requirements: [requirement] } },
    }).success;

  it.each([
    ['numpy==2.2.6', true],
    [`numpy==2.2.6 --hash=sha256:${HASH}`, true],
    ['numpy==2.2.6\n-i http://evil.invalid/simple', false],
    ['numpy==2.2.6\n.layerforge-requirements\nrm -rf /', false],
    ['numpy==2.2.6 --index-url=http://evil.invalid/simple', false],
    ['numpy --global-option=build_ext', false],
  ])('%j valid: %s', (requirement, valid) => expect(parse(requirement)).toBe(valid));
});
