/** The "where the zip's time goes" part of docs/benchmarks.md, from bench/zip-floor.ts's figures. */
import { SMALL_FILE_BYTES } from '../src/core/layer/zip-writer.js';
import type { ZipFloorPart } from './zip-floor.js';

const MiB = 1024 * 1024;
const s = (seconds: number) => seconds.toFixed(2);
const x = (ratio: number) => `${ratio.toFixed(2)}×`;

const KiB = SMALL_FILE_BYTES / 1024;
const PART_LABELS: Record<ZipFloorPart['part'], string> = {
  small: `read whole (≤ ${KiB} KiB)`,
  large: `streamed (> ${KiB} KiB)`,
};

const sum = (floor: ZipFloorPart[], field: keyof Omit<ZipFloorPart, 'part'>) =>
  floor.reduce((total, p) => total + p[field], 0);

/** The fastest archiver can be on the whole tree, next to Info-ZIP: the ceiling of the zip row. */
export function archiverCeiling(floor: ZipFloorPart[]): number {
  return sum(floor, 'infozipSeconds') / sum(floor, 'archiverSeconds');
}

function findings(floor: ZipFloorPart[]): string[] {
  const small = floor.find((p) => p.part === 'small');
  if (!small) return [];
  const perFile = (seconds: number) => ((1000 * seconds) / small.files).toFixed(2);
  const stream = small.zlibStreamSeconds - small.zlibSeconds;
  const archiver = small.archiverSeconds - small.zlibStreamSeconds;
  const reading = sum(floor, 'writerSeconds') - sum(floor, 'archiverSeconds');
  const zlib = sum(floor, 'zlibSeconds');
  const infozip = sum(floor, 'infozipSeconds');
  return [
    `- ${zlib < infozip ? 'Deflate is not the floor' : 'Deflate is part of the floor'}: zlib alone deflates the whole tree in ${s(zlib)} s on one thread, against Info-ZIP's ${s(infozip)} s.`,
    `- The cost is per entry: on the ${small.files} small files, a zlib stream per file adds ${s(stream)} s (${perFile(stream)} ms a file: the stream's set-up and its round trips to zlib's thread), ` +
      `and archiver's own work per entry ${s(archiver)} s more (${perFile(archiver)} ms a file), so archiver with every file already in memory takes ${s(small.archiverSeconds)} s where Info-ZIP, reading them, takes ${s(small.infozipSeconds)} s.`,
    `- So with archiver kept as the writer, one entry after another, the whole tree cannot zip in less than ${s(sum(floor, 'archiverSeconds'))} s here: ${x(archiverCeiling(floor))} Info-ZIP at best. ` +
      `layerforge's writer adds ${s(reading)} s to that (walking the tree, reading the files, hashing the zip).`,
  ];
}

export function zipFloorSection(floor: ZipFloorPart[] | undefined): string[] {
  if (!floor?.length) return [];
  return [
    "### Where the zip's time goes",
    '',
    "The same tree split where the writer changes how it reads, each part zipped five ways (median of 3 runs, the ways alternating); each way adds one layer to the one before. The first three have every file in memory before the clock starts; the writer and Info-ZIP read them. In-process seconds, Info-ZIP's whole process (bench/zip-floor.ts).",
    '',
    '| files | count | MB | zlib alone, one thread | a zlib stream per file | archiver | layerforge’s writer | Info-ZIP `-6` | writer vs Info-ZIP |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...floor.map(
      (p) =>
        `| ${PART_LABELS[p.part]} | ${p.files} | ${(p.bytes / MiB).toFixed(1)} | ${s(p.zlibSeconds)} | ${s(p.zlibStreamSeconds)} | ${s(p.archiverSeconds)} | ${s(p.writerSeconds)} | ${s(p.infozipSeconds)} | ${x(p.infozipSeconds / p.writerSeconds)} |`,
    ),
    '',
    ...findings(floor),
    '',
  ];
}
