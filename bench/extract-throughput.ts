/**
 * The extract step alone, taken apart: how long the engine takes to produce the tar of a stopped
 * container's /opt (drained, nothing parsed), tar-stream parsing it (entries drained), and the
 * whole extraction into a staging folder, with the process's CPU time and RSS after each.
 *
 *   npx tsx bench/extract-throughput.ts <container> [--runs N] [--only raw|parse|extract]
 *
 * The container is any stopped container whose /opt holds a layer (e.g. one left by
 * `docker run --name NAME <build image> pip install --target /opt/python …`). Figures go in
 * notes, never in tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { extractOptArchive } from '../src/core/builder/extract.js';
import { DockerEngine } from '../src/core/engine/docker-engine.js';

type Mode = 'raw' | 'parse' | 'extract';

async function drain(archive: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of archive) bytes += (chunk as Buffer).length;
  return bytes;
}

async function parse(archive: Readable): Promise<number> {
  let entries = 0;
  const extract = tar.extract();
  extract.on('entry', (_header, stream, next) => {
    entries += 1;
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return entries;
}

async function once(engine: DockerEngine, container: string, mode: Mode): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'layerforge-extract-bench-'));
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const archive = await engine.copyFrom(container, '/opt');
    let detail = '';
    if (mode === 'raw') detail = `${((await drain(archive)) / 1024 / 1024).toFixed(1)} MiB`;
    else if (mode === 'parse') detail = `${await parse(archive)} entries`;
    else {
      const controller = new AbortController();
      await extractOptArchive(archive, join(work, 'opt'), { sink: () => {}, signal: controller.signal });
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const rss = process.memoryUsage().rss / 1024 / 1024;
    return `${mode}: ${seconds.toFixed(2)} s wall, ${(used.user / 1e6).toFixed(2)} s user, ${(used.system / 1e6).toFixed(2)} s sys, rss ${rss.toFixed(0)} MiB ${detail}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const container = args[0];
if (!container) throw new Error('usage: bench/extract-throughput.ts <container> [--runs N] [--only mode]');
const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] as Mode) : undefined;
const modes: Mode[] = only ? [only] : ['raw', 'parse', 'extract'];
const engine = new DockerEngine();
for (let i = 0; i < runs; i++) {
  for (const mode of modes) process.stdout.write(`${await once(engine, container, mode)}\n`);
}
