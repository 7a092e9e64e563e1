import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { JobFailedError, UserError } from '../errors.js';
import type { StepIO } from '../job-context.js';
import { walkLayerTree } from '../layer/tree.js';
import type { BuildImageRunner } from '../prune/build-image-run.js';
import type { PruneProfile } from '../prune/rules.js';
import type { LambdaRuntime } from '../runtimes/catalog.js';
import { shellQuote } from './plan.js';

/**
 * What to ship for a Python layer's modules:
 * - `pyc`: sources plus `__pycache__/*.pyc` compiled for the target Python with unchecked-hash
 *   invalidation (PEP 552). Python uses them from a read-only /opt without comparing timestamps
 *   (the zip keeps none) and they are byte-reproducible. The default of `safe` and `max`.
 * - `pyc-only`: bytecode beside no source (`x.pyc` in place of `x.py`): smaller, but tracebacks
 *   show no source lines and code reading its own source breaks; a pruning rule checked by tests.
 * - `none`: sources only: every cold start compiles every imported module in memory again.
 * - `auto`: `pyc` unless the profile is `none`.
 */
export const BYTECODE_MODES = ['auto', 'none', 'pyc', 'pyc-only'] as const;
export type BytecodeMode = (typeof BYTECODE_MODES)[number];
export type ResolvedBytecodeMode = Exclude<BytecodeMode, 'auto'>;

export function resolveBytecodeMode(
  mode: BytecodeMode,
  profile: PruneProfile,
  runtime: LambdaRuntime,
): ResolvedBytecodeMode {
  if (runtime.family !== 'python') return 'none';
  if (mode !== 'auto') return mode;
  return profile === 'none' ? 'none' : 'pyc';
}

/** The interpreter tag in `__pycache__` names: `cpython-311` for python3.11. */
export function cacheTag(runtime: LambdaRuntime): string {
  return `cpython-${runtime.version.replace('.', '')}`;
}

/** Exit codes of the compile script when it cannot compile for the target. */
const NO_PYTHON = 64;
const OTHER_PYTHON = 65;

/** `targets`: what compileall is given, quoted for the shell. */
function compileScript(version: string, targets: string): string {
  const v = shellQuote(version);
  return [
    `PY=$(command -v python${version} || command -v python3 || true)`,
    `[ -n "$PY" ] || { echo "layerforge: the build image has no python3"; exit ${NO_PYTHON}; }`,
    `have=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')`,
    `[ "$have" = ${v} ] || { echo "layerforge: the build image has Python $have"; exit ${OTHER_PYTHON}; }`,
    // -f: rewrite whatever is there; -j0: one worker per core.
    `exec "$PY" -m compileall -q -f -j0 --invalidation-mode unchecked-hash ${targets}`,
  ].join('\n');
}

export interface BytecodeResult {
  mode: ResolvedBytecodeMode;
  /** .pyc files written (0 when nothing was compiled). */
  modules: number;
  bytes: number;
}

/**
 * Removes the build's own `__pycache__` folders under `python/`: timestamp-checked, from whatever
 * interpreter ran, and not reproducible. compileBytecode does it first; the prune step does it
 * before its rules run, so they weigh and take the tree without them.
 */
export async function removeBuildCaches(staging: string, signal?: AbortSignal): Promise<void> {
  const pythonDir = join(staging, 'python');
  if (!existsSync(pythonDir)) return;
  const caches: string[] = [];
  for await (const entry of walkLayerTree(pythonDir, { signal })) {
    if (entry.type === 'dir' && posix.basename(entry.path) === '__pycache__') caches.push(entry.absolutePath);
  }
  for (const dir of caches) await rm(dir, { recursive: true, force: true });
}

/**
 * Compiles the layer's `python/` tree to unchecked-hash bytecode in the build image, whose
 * Python must be the runtime's version (a .pyc is only valid for one minor version). First the
 * build's own `__pycache__` folders go (removeBuildCaches). With `auto`, a build image with
 * another Python skips compiling with a warning; an explicit `pyc`/`pyc-only` is refused.
 *
 * `only` compiles just those layer paths under `python/` (folders or `.py` files), as compileall
 * would have compiled them within the whole tree, and leaves the other caches alone: for files a
 * reverted pruning rule put back. The result still counts every `.pyc` under `python/`.
 */
export async function compileBytecode(
  staging: string,
  requested: BytecodeMode,
  resolved: ResolvedBytecodeMode,
  runtime: LambdaRuntime,
  run: BuildImageRunner,
  io: StepIO,
  only?: readonly string[],
): Promise<BytecodeResult> {
  const none: BytecodeResult = { mode: 'none', modules: 0, bytes: 0 };
  if (resolved === 'none' || only?.length === 0) return none;
  const pythonDir = join(staging, 'python');
  if (!existsSync(pythonDir)) {
    if (requested !== 'auto')
      io.sink({
        type: 'warning',
        code: 'bytecode-no-python',
        message: `--bytecode ${requested}: the layer has no python/ folder, nothing to compile`,
      });
    return none;
  }
  if (!only) await removeBuildCaches(staging, io.signal);
  const targets = only ? only.map((path) => shellQuote(`/opt/${path}`)).join(' ') : '/opt/python';
  const result = await run(compileScript(runtime.version, targets), {
    purpose: 'bytecode',
    // String hashing is randomised per process and frozenset constants are marshalled in hash
    // order: a fixed seed keeps .pyc bytes the same from build to build.
    env: { PYTHONHASHSEED: '0' },
    signal: io.signal,
  });
  if (result.exitCode === NO_PYTHON || result.exitCode === OTHER_PYTHON) {
    const why = `${result.output.at(-1) ?? 'no matching Python'}, but ${runtime.id} needs bytecode for Python ${runtime.version}`;
    if (requested !== 'auto') {
      throw new UserError(`cannot compile bytecode: ${why}`, {
        hint: "build on a base whose build image has the runtime's Python, or pass --bytecode none",
      });
    }
    io.sink({
      type: 'warning',
      code: 'bytecode-skipped',
      message: `no bytecode compiled: ${why}; the layer ships sources only`,
    });
    return none;
  }
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new JobFailedError(`compiling bytecode failed in the build image (exit code ${result.exitCode})`, {
      details: result.output.slice(-20),
      hint: 'pass --bytecode none to ship sources only',
    });
  }
  if (result.exitCode === 1) {
    // compileall goes on past files that do not compile (Python 2 leftovers, templates named .py).
    io.sink({
      type: 'warning',
      code: 'bytecode-partial',
      message: `some modules did not compile and ship as source only: ${
        result.output
          .filter((l) => l.startsWith('***'))
          .slice(0, 5)
          .join('; ') || result.output.slice(-3).join('; ')
      }`,
    });
  }
  let modules = 0;
  let bytes = 0;
  for await (const entry of walkLayerTree(pythonDir, { signal: io.signal })) {
    if (entry.type === 'file' && entry.path.endsWith('.pyc') && entry.path.includes('__pycache__/')) {
      modules += 1;
      bytes += entry.size;
    }
  }
  io.sink({
    type: 'info',
    message: `bytecode: ${only ? `${only.length} path(s) put back compiled; ` : ''}${modules} module(s) compiled for Python ${runtime.version} (unchecked-hash .pyc, ${(bytes / 1024 / 1024).toFixed(1)} MB)`,
  });
  return { mode: resolved, modules, bytes };
}
