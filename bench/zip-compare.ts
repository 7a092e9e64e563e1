/**
 * layerforge's zip writer next to Info-ZIP `zip -r -y -X -6` on the same layer tree, and the
 * peak RSS of a process that does nothing but write that zip with layerforge. The timed runs use
 * bench/zip-throughput.ts's `--zip-only` mode (one zip, its in-process time as JSON) under GNU
 * time; the memory figure also comes from the compiled writer the CLI runs, without tsx.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, mustRun, type Ran } from './shell.js';
import type { ZipFloorPart } from './zip-floor.js';

export interface ZipComparison {
  treeBytes: number;
  runs: number;
  /** Median seconds inside the process, the writer alone (no Node start-up). */
  layerforgeSeconds: number;
  /** Median wall seconds of the whole `node` process, start-up included. */
  layerforgeWallSeconds: number;
  /** Median CPU seconds (user + system) of the layerforge process: above wall time means threads helped. */
  layerforgeCpuSeconds: number;
  infozipSeconds: number;
  infozipCpuSeconds: number;
  layerforgeZipBytes: number;
  infozipZipBytes: number;
  /** Peak RSS of the compiled writer (lib/, as the CLI runs it) zipping the tree. */
  peakRssBytes: number;
  /** The same under `node --import tsx` (bench/zip-throughput.ts), for comparison with its own figures. */
  peakRssTsxBytes: number;
  /** Peak RSS of the compiled writer's process when it zips nothing: the floor under peakRssBytes. */
  idleRssBytes: number;
  /** Every layerforge run wrote the same bytes. */
  deterministic: boolean;
  /** Where the time goes (bench/zip-floor.ts); absent from records made before it existed. */
  floor?: ZipFloorPart[];
}

/** GNU time's -v report: peak RSS and CPU seconds. */
function timeReport(ran: Ran): { rss: number; cpu: number } {
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(ran.stderr)?.[1]);
  return {
    rss: field('Maximum resident set size \\(kbytes\\)') * 1024,
    cpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
  };
}

export async function compareZip(
  repo: string,
  lib: string,
  tree: string,
  treeBytes: number,
  work: string,
  runs: number,
): Promise<ZipComparison> {
  const child = join(repo, 'bench', 'zip-throughput.ts');
  if (!existsSync(child))
    throw new Error('bench/zip-throughput.ts is missing: it writes one zip for this comparison');
  const ours = join(work, 'layerforge.zip');
  const infozip = join(work, 'infozip.zip');
  const lf: { seconds: number; wall: number; cpu: number; rss: number; sha: string; bytes: number }[] = [];
  const iz: { seconds: number; cpu: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate, so drift in the machine's load hits both sides alike.
    await rm(ours, { force: true });
    const timed = await mustRun(
      '/usr/bin/time',
      ['-v', process.execPath, '--import', 'tsx', child, '--zip-only', tree, ours],
      {
        cwd: repo,
      },
    );
    const inner = JSON.parse(timed.stdout.trim().split('\n').at(-1) ?? '{}') as { seconds?: number };
    const data = await readFile(ours);
    lf.push({
      seconds: inner.seconds ?? NaN,
      wall: timed.seconds,
      ...timeReport(timed),
      sha: createHash('sha256').update(data).digest('hex'),
      bytes: data.length,
    });
    await rm(infozip, { force: true });
    const zipped = await mustRun('/usr/bin/time', ['-v', 'zip', '-r', '-y', '-X', '-6', '-q', infozip, '.'], {
      cwd: tree,
    });
    iz.push({
      seconds: zipped.seconds,
      cpu: timeReport(zipped).cpu,
      bytes: (await readFile(infozip)).length,
    });
  }
  // The product's own memory: the compiled writer, no TypeScript loader in the process.
  const writer = pathToFileURL(join(lib, 'core', 'layer', 'zip-writer.js')).href;
  await rm(ours, { force: true });
  const compiled = await mustRun('/usr/bin/time', [
    '-v',
    process.execPath,
    '--input-type=module',
    '-e',
    `const { writeLayerZip } = await import(${JSON.stringify(writer)}); await writeLayerZip(${JSON.stringify(tree)}, ${JSON.stringify(ours)});`,
  ]);
  const idle = await mustRun('/usr/bin/time', [
    '-v',
    process.execPath,
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(writer)});`,
  ]);
  const compiledSha = createHash('sha256')
    .update(await readFile(ours))
    .digest('hex');
  await rm(ours, { force: true });
  await rm(infozip, { force: true });
  return {
    treeBytes,
    runs,
    layerforgeSeconds: median(lf.map((r) => r.seconds)),
    layerforgeWallSeconds: median(lf.map((r) => r.wall)),
    layerforgeCpuSeconds: median(lf.map((r) => r.cpu)),
    infozipSeconds: median(iz.map((r) => r.seconds)),
    infozipCpuSeconds: median(iz.map((r) => r.cpu)),
    layerforgeZipBytes: lf[0]?.bytes ?? 0,
    infozipZipBytes: iz[0]?.bytes ?? 0,
    peakRssBytes: timeReport(compiled).rss,
    peakRssTsxBytes: Math.max(...lf.map((r) => r.rss)),
    idleRssBytes: timeReport(idle).rss,
    deterministic: new Set([...lf.map((r) => r.sha), compiledSha]).size === 1,
  };
}
