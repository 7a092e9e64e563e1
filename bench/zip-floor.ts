/**
 * Where the zip's time goes: the profile behind the zip row when it misses its goal. The tree is
 * split into the files the writer reads whole (≤ SMALL_FILE_BYTES) and the larger ones it
 * streams, and each part is zipped five ways, taking one layer away at a time:
 *
 * - zlib alone: `deflateRawSync` of every file at the writer's level, one thread, files in memory;
 * - a zlib stream per file: what archiver makes for each entry, still files in memory;
 * - archiver alone: every file appended as a buffer, as the writer appends small files;
 * - layerforge's writer: `writeLayerZip`, reading the files itself;
 * - Info-ZIP `zip -r -y -X -6`, reading the files itself (whole process).
 *
 * The four in-process figures come from a child process (`--measure <way> <tree> <zip>`), so one
 * way's garbage never lands in the next one's time. Figures go in notes, never in tests.
 */
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import archiver from 'archiver';
import { LAYER_ZIP_LEVEL } from '../src/core/layer/zip-level.js';
import { SMALL_FILE_BYTES, ZLIB_CHUNK_BYTES, writeLayerZip } from '../src/core/layer/zip-writer.js';
import { median, mustRun } from './shell.js';

const self = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL('..', import.meta.url));

const WAYS = ['zlib', 'zlibStream', 'archiver', 'writer'] as const;
type Way = (typeof WAYS)[number];

/** One part of the tree, zipped each way: median seconds of the runs. */
export interface ZipFloorPart {
  part: 'small' | 'large';
  files: number;
  bytes: number;
  zlibSeconds: number;
  zlibStreamSeconds: number;
  archiverSeconds: number;
  writerSeconds: number;
  infozipSeconds: number;
}

/** The regular files under `root`, relative, in byte order (the writer's order). */
async function regularFiles(root: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  for (const path of await readdir(root, { recursive: true })) {
    const stats = await lstat(join(root, path));
    if (stats.isFile()) found.push({ path, size: stats.size });
  }
  return found.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

async function measure(way: Way, tree: string, zipPath: string): Promise<number> {
  if (way === 'writer') {
    const started = performance.now();
    await writeLayerZip(tree, zipPath);
    return (performance.now() - started) / 1000;
  }
  const files = await regularFiles(tree);
  const data = await Promise.all(files.map((f) => readFile(join(tree, f.path))));
  const started = performance.now();
  if (way === 'zlib') {
    for (const bytes of data) deflateRawSync(bytes, { level: LAYER_ZIP_LEVEL });
  } else if (way === 'zlibStream') {
    for (const bytes of data) {
      const deflate = createDeflateRaw({ level: LAYER_ZIP_LEVEL, chunkSize: ZLIB_CHUNK_BYTES });
      deflate.resume().end(bytes);
      await once(deflate, 'end');
    }
  } else {
    const archive = archiver('zip', {
      zlib: { level: LAYER_ZIP_LEVEL, chunkSize: ZLIB_CHUNK_BYTES },
      forceLocalTime: false,
    });
    const output = createWriteStream(zipPath);
    archive.pipe(output);
    files.forEach((f, i) => archive.append(data[i] as Buffer, { name: f.path }));
    await Promise.all([archive.finalize(), once(output, 'close')]);
  }
  return (performance.now() - started) / 1000;
}

/** Hard links of `files` under `into`: the same bytes, no copy. */
async function linkPart(tree: string, files: { path: string }[], into: string): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(join(into, f.path)), { recursive: true });
    await link(join(tree, f.path), join(into, f.path));
  }
}

/** Zips both parts of `tree` each way, alternating the ways within each run. */
export async function zipFloor(tree: string, work: string, runs: number): Promise<ZipFloorPart[]> {
  const files = await regularFiles(tree);
  const parts = [
    { part: 'small' as const, files: files.filter((f) => f.size <= SMALL_FILE_BYTES) },
    { part: 'large' as const, files: files.filter((f) => f.size > SMALL_FILE_BYTES) },
  ];
  const zipPath = join(work, 'floor.zip');
  const result: ZipFloorPart[] = [];
  for (const { part, files: chosen } of parts) {
    const partTree = join(work, `floor-${part}`);
    await rm(partTree, { recursive: true, force: true });
    await linkPart(tree, chosen, partTree);
    const seconds: Record<Way | 'infozip', number[]> = {
      zlib: [],
      zlibStream: [],
      archiver: [],
      writer: [],
      infozip: [],
    };
    for (let run = 0; run < runs; run++) {
      for (const way of WAYS) {
        await rm(zipPath, { force: true });
        const ran = await mustRun(
          process.execPath,
          ['--import', 'tsx', self, '--measure', way, partTree, zipPath],
          { cwd: repo },
        );
        seconds[way].push(Number(ran.stdout.trim().split('\n').at(-1)));
      }
      await rm(zipPath, { force: true });
      const zipped = await mustRun('zip', ['-r', '-y', '-X', '-6', '-q', zipPath, '.'], { cwd: partTree });
      seconds.infozip.push(zipped.seconds);
    }
    await rm(zipPath, { force: true });
    await rm(partTree, { recursive: true, force: true });
    result.push({
      part,
      files: chosen.length,
      bytes: chosen.reduce((sum, f) => sum + f.size, 0),
      zlibSeconds: median(seconds.zlib),
      zlibStreamSeconds: median(seconds.zlibStream),
      archiverSeconds: median(seconds.archiver),
      writerSeconds: median(seconds.writer),
      infozipSeconds: median(seconds.infozip),
    });
  }
  return result;
}

if (process.argv[2] === '--measure') {
  const [way, tree, zipPath] = process.argv.slice(3);
  if (!WAYS.includes(way as Way) || !tree || !zipPath) {
    throw new Error(`usage: --measure ${WAYS.join('|')} <tree> <zip>`);
  }
  process.stdout.write(`${await measure(way as Way, tree, zipPath)}\n`);
}
