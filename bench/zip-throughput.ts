/**
 * Zip throughput: layerforge's writer next to Info-ZIP `zip -r -y -X -6` on the same ~100 MB
 * layer tree (a few real shared libraries plus the many small files of /usr/lib/python3.*),
 * timed side by side with hyperfine, plus the peak RSS of the layerforge process.
 *
 *   npx tsx bench/zip-throughput.ts [--runs N] [--keep]
 *
 * Needs hyperfine, zip and GNU time (/usr/bin/time). Figures go in notes, never in tests.
 * Internally it re-runs itself as `--zip-only <tree> <zip>` to time one layerforge zip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLayerZip } from '../src/core/layer/zip-writer.js';

const self = fileURLToPath(import.meta.url);
/** `--import tsx` resolves from the working directory: run children from the repository. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;

/** Real, incompressible-ish ELF files first; the total aims at ~50 MB of libraries. */
const LIBRARY_CANDIDATES = [
  'libz3.so.4',
  'libx265.so.199',
  'libpython3.11.so.1.0',
  'libcrypto.so.3',
  'libLLVM-15.so.1',
  'libicudata.so.72.1',
  'libstdc++.so.6',
];

async function zipOnly(tree: string, zipPath: string): Promise<void> {
  const started = performance.now();
  const info = await writeLayerZip(tree, zipPath, {});
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ seconds, unzippedBytes: info.unzippedBytes, zippedBytes: info.zippedBytes, files: info.fileCount })}\n`,
  );
}

async function treeBytes(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    const stats = await lstat(join(dir, name));
    if (stats.isDirectory()) continue;
    files += 1;
    bytes += stats.isSymbolicLink() ? Buffer.byteLength(name) : stats.size;
  }
  return { bytes, files };
}

async function buildTree(root: string): Promise<void> {
  const libDir = '/usr/lib/x86_64-linux-gnu';
  await mkdir(join(root, 'lib'), { recursive: true });
  let libraryBytes = 0;
  for (const name of LIBRARY_CANDIDATES) {
    const source = join(libDir, name);
    if (libraryBytes >= 48 * MiB || !existsSync(source)) continue;
    const data = await readFile(source);
    await cp(source, join(root, 'lib', name), { dereference: true });
    // A soname-style link per library, as real layers have.
    await symlink(name, join(root, 'lib', name.replace(/\.so.*$/, '.so')));
    libraryBytes += data.length;
  }
  const python = readdirSync('/usr/lib')
    .filter((name) => /^python3\.\d+$/.test(name))
    .sort()
    .at(-1);
  if (python === undefined) throw new Error('no /usr/lib/python3.X to copy small files from');
  // Dereference: the system tree has absolute links that a layer (rightly) refuses.
  await cp(join('/usr/lib', python), join(root, 'python', 'lib', python, 'site-packages', basename(python)), {
    recursive: true,
    dereference: true,
  });
}

function sh(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, {
    encoding: 'utf8',
    cwd: cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--zip-only') {
    const [tree, zipPath] = args.slice(1);
    if (!tree || !zipPath) throw new Error('usage: --zip-only <tree> <zip>');
    return zipOnly(tree, zipPath);
  }
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
  const work = await mkdtemp(join(tmpdir(), 'layerforge-bench-'));
  const tree = join(work, 'opt');
  try {
    await buildTree(tree);
    const { bytes, files } = await treeBytes(tree);
    const mb = bytes / MiB;
    process.stdout.write(`tree: ${mb.toFixed(1)} MB in ${files} files and links at ${tree}\n`);
    // The machines are shared: the load says how much to trust the wall-clock figures.
    process.stdout.write(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${cpus().length} cores\n`,
    );
    const ours = join(work, 'layerforge.zip');
    const infozip = join(work, 'infozip.zip');
    const node = `${process.execPath} --import tsx ${self} --zip-only ${tree} ${ours}`;
    const zip = `cd ${tree} && zip -r -y -X -6 -q ${infozip} .`;
    const json = join(work, 'hyperfine.json');
    process.stdout.write(
      sh('hyperfine', [
        '--warmup',
        '1',
        '--runs',
        String(runs),
        '--export-json',
        json,
        '--prepare',
        `rm -f ${ours} ${infozip}`,
        '-n',
        'layerforge',
        node,
        '-n',
        'zip -6',
        zip,
      ]),
    );
    const results = (
      JSON.parse(await readFile(json, 'utf8')) as {
        results: { command: string; mean: number; stddev: number; user: number; system: number }[];
      }
    ).results;
    for (const r of results) {
      process.stdout.write(
        `${r.command}: ${(mb / r.mean).toFixed(1)} MB/s (mean ${r.mean.toFixed(2)} s ± ${r.stddev.toFixed(2)}, CPU ${(r.user + r.system).toFixed(2)} s)\n`,
      );
    }
    // One more run: the in-process time (no node/tsx start-up) and the process's peak RSS.
    await rm(ours, { force: true });
    const timed = spawnSync(
      '/usr/bin/time',
      ['-v', process.execPath, '--import', 'tsx', self, '--zip-only', tree, ours],
      { encoding: 'utf8', cwd: repoRoot },
    );
    const inner = JSON.parse(timed.stdout.trim().split('\n').at(-1) ?? '{}') as { seconds: number };
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr)?.[1]);
    process.stdout.write(
      `layerforge in-process: ${inner.seconds.toFixed(2)} s = ${(mb / inner.seconds).toFixed(1)} MB/s\n`,
    );
    process.stdout.write(`layerforge peak RSS: ${(peakKb / 1024).toFixed(0)} MB\n`);
    await rm(infozip, { force: true });
    sh('sh', ['-c', zip]);
    const zipped = async (p: string) => `${((await stat(p)).size / MiB).toFixed(1)} MB`;
    process.stdout.write(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    process.stdout.write(`zip sizes: layerforge ${await zipped(ours)}, Info-ZIP ${await zipped(infozip)}\n`);
  } finally {
    if (!args.includes('--keep')) await rm(work, { recursive: true, force: true });
  }
}

await main();
