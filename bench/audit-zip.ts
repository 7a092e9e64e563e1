/**
 * Goals row 6: `layerforge audit` of a large numpy+scipy+pandas zip (the naive script's without
 * pip's bytecode, ~220 MB unzipped) against `unzip -p` of the same zip's shared objects, alternating.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditFigures } from './goals.js';
import { extract, measure } from './measure.js';
import { log, mustRun, run } from './shell.js';
import { inBuildImage, pipInstall, type BenchPaths, type BenchRecipe } from './variants.js';

/** scipy's last release series whose x86_64 wheels are manylinux2014 and that supports numpy 2.2. */
export const SCIPY = 'scipy==1.15.3';

/** `audit --json` ends with one JSON document whose summary carries the audit's own milliseconds. */
export function auditMs(stdout: string, stderr: string): number {
  let ms: unknown;
  try {
    ms = (JSON.parse(stdout) as { summary?: { ms?: unknown } }).summary?.ms;
  } catch {
    // Not JSON: reported below with the process's stderr.
  }
  if (typeof ms !== 'number') throw new Error(`layerforge audit --json printed no summary.ms:\n${stderr}`);
  return ms;
}

export async function auditZip(recipe: BenchRecipe, paths: BenchPaths, runs: number): Promise<AuditFigures> {
  const dir = join(paths.work, 'audit', 'build');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const zipPath = join(paths.work, 'audit', 'numpy-scipy-pandas.zip');
  log(`audit: pip install ${recipe.loaded.recipe.name}'s pins and ${SCIPY}, then zip`);
  await inBuildImage(recipe, dir, pipInstall(recipe, false, { extra: [SCIPY] }), paths.env);
  await mustRun('zip', ['-qr', '-y', '-X', zipPath, 'python'], { cwd: dir });
  await rm(dir, { recursive: true, force: true });
  const tree = await extract(zipPath, join(paths.work, 'audit', 'tree'));
  const unzippedBytes = (await measure(zipPath, tree)).unzippedBytes;
  await rm(join(paths.work, 'audit', 'tree'), { recursive: true, force: true });
  const f: AuditFigures = {
    packages: [...(recipe.loaded.recipe.install.python?.requirements ?? []), SCIPY],
    zipBytes: (await stat(zipPath)).size,
    unzippedBytes,
    auditMs: [],
    auditWallSeconds: [],
    unzipSeconds: [],
  };
  const audit = [
    paths.cli,
    'audit',
    zipPath,
    '--runtime',
    recipe.runtime.id,
    '--arch',
    recipe.base.arch,
    '--json',
  ];
  // One uncounted run of each: the zip in the page cache for both.
  await run(process.execPath, audit, { cwd: paths.repo, env: paths.env });
  const unzip = ['-c', 'unzip -p "$0" "*.so*" > /dev/null', zipPath];
  await mustRun('sh', unzip);
  for (let i = 1; i <= runs; i++) {
    log(`audit, round ${i}/${runs}`);
    // Exit 1 only says the audit found errors: its time counts the same.
    const ran = await run(process.execPath, audit, { cwd: paths.repo, env: paths.env });
    f.auditMs.push(auditMs(ran.stdout, ran.stderr));
    f.auditWallSeconds.push(ran.seconds);
    f.unzipSeconds.push((await mustRun('sh', unzip)).seconds);
  }
  return f;
}
