import { lstat, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../engine/container-engine.js';
import type { StepIO } from '../job-context.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';
import { normaliseMode } from '../layer/modes.js';
import { walkLayerTree } from '../layer/tree.js';
import { writeLayerZip } from '../layer/zip-writer.js';
import { buildImageRunner } from '../prune/build-image-run.js';
import { pruneStagedLayer } from '../prune/prune-layer.js';
import type { PruneProfile } from '../prune/rules.js';
import type { LayerTester, PruneRecord } from '../prune/types.js';
import {
  cacheTag,
  compileBytecode,
  removeBuildCaches,
  resolveBytecodeMode,
  type BytecodeMode,
  type BytecodeResult,
} from './bytecode.js';
import type { BuildTarget } from './resolve-target.js';
import { runSmokeTests, runSmokeTestsOnTree, type SmokeTestResult } from './smoke-test.js';

export type { PruneRecord } from '../prune/types.js';

/** The prune step's choices: see rules.ts for the profiles and bytecode.ts for the modes. */
export interface PruneOptions {
  profile: PruneProfile;
  bytecode: BytecodeMode;
}

/**
 * True when the staged tree, mounted read-only at /opt as it is, shows the tests exactly what the
 * zip extracted would: every mode already the one the zip stores (normaliseMode), the root 0755,
 * and no more bytes than Lambda unzips (extraction refuses more). The build's trees are like that
 * (pip, compileall and strip write world-readable files), so a check costs a walk of the tree, not
 * a copy of the whole layer written into a zip and extracted again.
 */
async function mountableAsIs(staging: string, signal?: AbortSignal): Promise<boolean> {
  if (((await lstat(staging)).mode & 0o7777) !== 0o755) return false;
  let bytes = 0;
  for await (const entry of walkLayerTree(staging, { signal })) {
    if (entry.type !== 'symlink' && entry.mode !== normaliseMode(entry.type, entry.mode)) return false;
    bytes += entry.size;
  }
  return bytes <= LAMBDA_LIMITS.unzippedBytes;
}

/**
 * The recipe's smoke tests on the staged layer as it is now, run exactly as `--test` runs them
 * on the zip: the staged tree itself read-only at /opt when it holds what the zip would
 * (mountableAsIs), else a stored zip of it (no compression: the bytes inside are what the final
 * zip holds) extracted as Lambda does. Their events are kept out of the build's stream: a failure
 * here is a rule to revert, not a result.
 */
function smokeTester(
  staging: string,
  work: string,
  target: BuildTarget,
  engine: ContainerEngine,
  io: StepIO,
): LayerTester {
  const quiet: StepIO = {
    sink: (event) => {
      if (event.type === 'test.result' || (event.type === 'build.log' && event.source === 'smoke-test'))
        return;
      io.sink(event);
    },
    signal: io.signal,
  };
  const { recipe } = target.loaded;
  const throughZip = async (): Promise<SmokeTestResult[]> => {
    const zip = join(work, 'prune-check.zip');
    await writeLayerZip(staging, zip, { level: 0, signal: io.signal });
    try {
      return await runSmokeTests(zip, recipe, target.runtime, target.base, engine, quiet);
    } finally {
      await rm(zip, { force: true });
    }
  };
  return async () => {
    const results = (await mountableAsIs(staging, io.signal))
      ? await runSmokeTestsOnTree(staging, recipe, target.runtime, target.base, engine, quiet)
      : await throughZip();
    const failed = results.filter((r) => !r.ok);
    return {
      ok: failed.length === 0,
      failed: failed.map((r) => r.name),
      details: failed.flatMap((f) => [
        `✗ ${f.name}: ${f.command}`,
        ...f.output
          .split('\n')
          .slice(-10)
          .map((l) => `  ${l}`),
      ]),
    };
  };
}

/**
 * The prune step of a build: applies the recipe's and the profile's pruning rules, compiling
 * bytecode for the target Python (bytecode.ts) once the remove rules have run (the test suites
 * they take are most of a Python layer's modules), all checked by the smoke tests at once
 * (src/core/prune). A reverted rule's modules are compiled when it puts them back, so the layer
 * is the one compiling everything first would give. `work` is a private folder on the staging's
 * file system; what the rules removed waits there.
 */
export async function pruneLayer(
  staging: string,
  work: string,
  target: BuildTarget,
  engine: ContainerEngine,
  options: PruneOptions,
  io: StepIO,
): Promise<{ records: PruneRecord[]; bytecode: BytecodeResult }> {
  const run = buildImageRunner(staging, target.base, engine);
  const resolved = resolveBytecodeMode(options.bytecode, options.profile, target.runtime);
  // The rules weigh and take the tree without the build's own caches, which compiling replaces.
  if (resolved !== 'none') await removeBuildCaches(staging, io.signal);
  let bytecode: BytecodeResult = { mode: 'none', modules: 0, bytes: 0 };
  const compile = async (only?: readonly string[]) => {
    const compiled = await compileBytecode(
      staging,
      options.bytecode,
      resolved,
      target.runtime,
      run,
      io,
      only,
    );
    // Compiling what a reverted rule put back adds to the first result; the count is the tree's.
    bytecode = only ? { ...compiled, mode: bytecode.mode } : compiled;
    return bytecode.mode;
  };
  const sideDir = join(work, 'pruned');
  await mkdir(sideDir, { recursive: true });
  try {
    const records = await pruneStagedLayer(
      {
        staging,
        sideDir,
        recipe: target.loaded.recipe,
        arch: target.arch,
        profile: options.profile,
        bytecode: { mode: resolved, cacheTag: cacheTag(target.runtime), compile },
        runInBuildImage: run,
        test: smokeTester(staging, work, target, engine, io),
      },
      io,
    );
    return { records, bytecode };
  } finally {
    await rm(sideDir, { recursive: true, force: true });
  }
}
