/**
 * The prune step alone, on a real staged layer: `tsx bench/prune-step.ts <unpruned.zip> [runs]`.
 * The zip is a layer built with `--prune none --bytecode none` (the staged tree as the extract
 * step leaves it, modes normalised). Each run copies that tree afresh and runs `pruneLayer` as a
 * build does, with the real engine; every engine call is timed by what it was for, so the step's
 * time splits into bytecode, strip, smoke-test containers and the rest (zip, copy, file moves).
 * Timings are printed, never asserted.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBaseImage } from '../src/core/base-images/definition.js';
import { resolveBase } from '../src/core/base-images/resolve.js';
import { pruneLayer } from '../src/core/builder/prune.js';
import type { BuildTarget } from '../src/core/builder/resolve-target.js';
import { DockerEngine } from '../src/core/engine/docker-engine.js';
import type { ContainerEngine } from '../src/core/engine/container-engine.js';
import { LABELS } from '../src/core/engine/container-engine.js';
import type { LayerforgeEvent } from '../src/core/events.js';
import { extractLayerZip } from '../src/core/layer/extract-zip.js';
import { writeLayerZip } from '../src/core/layer/zip-writer.js';
import { resolveRecipe } from '../src/core/recipes/catalog.js';
import { getRuntime } from '../src/core/runtimes/catalog.js';

interface Timed {
  call: string;
  ms: number;
}

/** The engine with every call timed: `runContainer:<purpose>`, `copyTo`, `exec`... */
function timedEngine(engine: ContainerEngine, calls: Timed[]): ContainerEngine {
  return new Proxy(engine, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return (await (value as (...a: unknown[]) => unknown).apply(target, args)) as unknown;
        } finally {
          const spec = args[0] as { labels?: Record<string, string> } | undefined;
          const purpose = typeof spec === 'object' ? spec.labels?.[LABELS.purpose] : undefined;
          calls.push({
            call: purpose ? `${String(key)}:${purpose}` : String(key),
            ms: performance.now() - started,
          });
        }
      };
    },
  });
}

const [zipPath, runsText = '2', recipeName = 'pandas', runtimeId = 'python3.11'] = process.argv.slice(2);
if (!zipPath) throw new Error('usage: tsx bench/prune-step.ts <unpruned.zip> [runs] [recipe] [runtime]');
const root = await mkdtemp(join(tmpdir(), 'layerforge-prune-bench-'));
try {
  const pristine = join(root, 'pristine');
  await extractLayerZip(zipPath, pristine);
  const runtime = getRuntime(runtimeId);
  const loaded = await resolveRecipe(recipeName, [], process.cwd(), {});
  const base = await resolveBase(await loadBaseImage('debian12'), runtime, 'x86_64');
  const target: BuildTarget = { loaded, runtime, arch: 'x86_64', base };
  for (let run = 1; run <= Number(runsText); run++) {
    const work = join(root, `work-${run}`);
    const staging = join(work, 'opt');
    await mkdir(work);
    await cp(pristine, staging, { recursive: true, verbatimSymlinks: true });
    const calls: Timed[] = [];
    const events: LayerforgeEvent[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await pruneLayer(
      staging,
      work,
      target,
      timedEngine(new DockerEngine(), calls),
      { profile: 'safe', bytecode: 'auto' },
      { sink: (e) => events.push(e), signal: new AbortController().signal },
    );
    const total = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const byCall = new Map<string, { n: number; ms: number }>();
    for (const c of calls) {
      const row = byCall.get(c.call) ?? { n: 0, ms: 0 };
      byCall.set(c.call, { n: row.n + 1, ms: row.ms + c.ms });
    }
    const engineMs = calls.reduce((sum, c) => sum + c.ms, 0);
    console.log(`run ${run}: prune ${(total / 1000).toFixed(2)} s`);
    for (const [call, { n, ms }] of byCall) console.log(`  ${call} ×${n}: ${(ms / 1000).toFixed(2)} s`);
    console.log(
      `  outside the engine: ${((total - engineMs) / 1000).toFixed(2)} s (this process: ${((used.user + used.system) / 1e6).toFixed(2)} CPU s)`,
    );
    for (const e of events)
      if (e.type === 'info' || e.type === 'warning') console.log(`  ${e.type}: ${e.message}`);
    console.log(
      `  records: ${result.records.map((r) => `${r.rule}${r.reverted ? ' (reverted)' : ''} ${r.bytesSaved}`).join(', ')}`,
    );
    // The pruned tree's zip, written as the zip step writes it: the same digest, the same layer.
    const zip = await writeLayerZip(staging, join(root, `pruned-${run}.zip`));
    console.log(
      `  pruned layer: zip sha256 ${zip.sha256}, ${zip.fileCount} files, ${zip.unzippedBytes} bytes`,
    );
    await rm(work, { recursive: true, force: true });
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
