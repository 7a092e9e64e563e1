import { buildLayer } from '../core/builder/build-layer.js';
import { buildMatrix, cellLabel, expandMatrix } from '../core/builder/matrix.js';
import { matrixEngines } from '../core/builder/matrix-engines.js';
import type { BuildLayerOptions } from '../core/builder/types.js';
import { ExitCode } from '../core/errors.js';
import type { LoadedRecipe } from '../core/recipes/load.js';
import type { Architecture } from '../core/runtimes/catalog.js';
import { formatBytes, formatTable } from '../ui/format.js';
import type { CommandContext } from './command.js';

// What `build` and `test` print, so a script can capture it: results on stdout, progress on
// stderr. One layer prints its zip path (or one `build.result` record under --json); a matrix
// prints one zip path per built cell (or `matrix.summary`), and its table goes to stderr.

/** Builds one layer (and tests it with `test: true`), then prints its zip path. */
export async function buildOne(options: BuildLayerOptions, ctx: CommandContext): Promise<ExitCode> {
  const result = await buildLayer(options, ctx.job);
  if (ctx.json) ctx.sink({ type: 'build.result', ...result });
  else ctx.print(result.zipPath);
  return ExitCode.ok;
}

export interface MatrixRequest {
  recipes: LoadedRecipe[];
  /** Empty: each recipe's own default. */
  runtimes: string[];
  archs: Architecture[];
  /** `--docker-host` values (`arm64=URL` or a URL) to route the cells over; empty: the job's default engine. */
  hosts: string[];
  jobs: number;
}

/** Builds every cell of a matrix; exit 1 when any cell failed, 130 when interrupted. */
export async function buildCells(
  request: MatrixRequest,
  base: BuildLayerOptions,
  ctx: CommandContext,
): Promise<ExitCode> {
  const cells = expandMatrix(request.recipes, request.runtimes, request.archs);
  const engines = await matrixEngines(request.hosts, ctx.job);
  const results = await buildMatrix(cells, base, { jobs: request.jobs, engines }, ctx.job);
  if (ctx.json) ctx.sink({ type: 'matrix.summary', cells: results });
  else {
    // The table is for people, so it goes with the progress; --quiet leaves it out, and the
    // failed cells have been reported as they ended.
    if (!ctx.quiet) {
      // Which engine ran each cell matters once there are several, or one ran under QEMU.
      const showEngine = engines.length > 1 || results.some((r) => r.emulated);
      const table = formatTable([
        ['CELL', 'RESULT', 'UNZIPPED', 'ZIPPED', 'TIME', ...(showEngine ? ['ENGINE'] : []), 'ZIP OR ERROR'],
        ...results.map((r) => [
          cellLabel(r),
          r.status,
          r.unzippedBytes === undefined ? '-' : formatBytes(r.unzippedBytes),
          r.zippedBytes === undefined ? '-' : formatBytes(r.zippedBytes),
          `${(r.ms / 1000).toFixed(1)}s`,
          ...(showEngine ? [`${r.engine}${r.emulated ? ' (QEMU)' : ''}`] : []),
          r.zipPath ?? (r.error ?? '').split('\n')[0] ?? '',
        ]),
      ]);
      ctx.stderr.write(`${table}\n`);
    }
    for (const r of results) if (r.zipPath !== undefined) ctx.print(r.zipPath);
  }
  if (ctx.signal.aborted) return ExitCode.interrupted;
  return results.some((r) => r.status === 'failed' || r.status === 'interrupted')
    ? ExitCode.failure
    : ExitCode.ok;
}
