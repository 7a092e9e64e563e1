import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerEngine } from '../engine/container-engine.js';
import type { EventSink } from '../events.js';
import type { StepIO } from '../job-context.js';
import { writeLayerZip } from '../layer/zip-writer.js';
import { buildImageRunner } from '../prune/build-image-run.js';
import { pruneStagedLayer } from '../prune/prune-layer.js';
import type { PruneProfile } from '../prune/rules.js';
import type { LayerTester, PruneRecord } from '../prune/types.js';
import {
  cacheTag,
  compileBytecode,
  resolveBytecodeMode,
  type BytecodeMode,
  type BytecodeResult,
} from './bytecode.js';
import type { BuildTarget } from './resolve-target.js';
import { runSmokeTests } from './smoke-test.js';

export type { PruneRecord } from '../prune/types.js';

/** The prune step's choices: see rules.ts for the profiles and bytecode.ts for the modes. */
export interface PruneOptions {
  profile: PruneProfile;
  bytecode: BytecodeMode;
}

/**
 * The recipe's smoke tests on the staged layer as it is now: zipped (stored, no compression:
 * the bytes inside are what the final zip holds) and run exactly as `--test` runs them. Their
 * events are kept out of the build's stream: a failure here is a rule to revert, not a result.
 */
function smokeTester(
  staging: string,
  work: string,
  target: BuildTarget,
  engine: ContainerEngine,
  io: StepIO,
): LayerTester {
  const quiet: EventSink = (event) => {
    if (event.type === 'test.result' || (event.type === 'build.log' && event.source === 'smoke-test')) return;
    io.sink(event);
  };
  return async () => {
    const zip = join(work, 'prune-check.zip');
    await writeLayerZip(staging, zip, { level: 0, signal: io.signal });
    try {
      const results = await runSmokeTests(zip, target.loaded.recipe, target.runtime, target.base, engine, {
        sink: quiet,
        signal: io.signal,
      });
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
    } finally {
      await rm(zip, { force: true });
    }
  };
}

/**
 * The prune step of a build: compiles bytecode for the target Python (bytecode.ts), then applies
 * the recipe's and the profile's pruning rules, each checked by the smoke tests (src/core/prune).
 * `work` is a private folder on the staging's file system; what the rules removed waits there.
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
  const bytecode = await compileBytecode(staging, options.bytecode, resolved, target.runtime, run, io);
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
        bytecode: { mode: bytecode.mode, cacheTag: cacheTag(target.runtime) },
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
