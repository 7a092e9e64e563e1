import pLimit from 'p-limit';
import { isAbortError, UserError } from '../errors.js';
import type { EventSink, LayerforgeEvent } from '../events.js';
import type { JobContext } from '../job-context.js';
import type { LoadedRecipe } from '../recipes/load.js';
import type { Architecture } from '../runtimes/catalog.js';
import { buildLayer } from './build-layer.js';
import { placeCells, type MatrixEngine } from './matrix-engines.js';
import type { BuildLayerOptions } from './types.js';

/** One build of a matrix: a recipe for one runtime and arch. */
export interface MatrixCell {
  recipe: string;
  runtime: string;
  arch: Architecture;
}

export interface MatrixCellResult extends MatrixCell {
  status: 'ok' | 'cached' | 'failed' | 'interrupted';
  zipPath?: string;
  unzippedBytes?: number;
  zippedBytes?: number;
  ms: number;
  error?: string;
  /** The engine it ran on, as `--docker-host` named it (`arm64=ssh://graviton`) or its endpoint. */
  engine: string;
  /** That engine's architecture, when known. */
  engineArch?: Architecture;
  /** No engine of the cell's arch was given: it ran under emulation (QEMU) on another. */
  emulated: boolean;
}

export function cellLabel(cell: MatrixCell): string {
  return `${cell.recipe}/${cell.runtime}/${cell.arch}`;
}

/**
 * Every cell for the recipes × runtimes × architectures asked for. An empty list means the recipe's
 * own default (its first runtime, x86_64). Combinations a recipe does not support are left out,
 * but a single recipe left with no cell, or a matrix with no cell at all, is an error.
 */
export function expandMatrix(
  recipes: LoadedRecipe[],
  runtimes: string[],
  archs: Architecture[],
): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const { recipe } of recipes) {
    const wantedRuntimes =
      runtimes.length > 0 ? runtimes.filter((r) => recipe.runtimes.includes(r)) : recipe.runtimes.slice(0, 1);
    const wantedArchs =
      archs.length > 0
        ? archs.filter((a) => recipe.architectures.includes(a))
        : recipe.architectures.includes('x86_64')
          ? ['x86_64' as const]
          : recipe.architectures.slice(0, 1);
    if (wantedRuntimes.length === 0 || wantedArchs.length === 0) {
      if (recipes.length === 1) {
        throw new UserError(`recipe ${recipe.name} supports none of the runtimes/architectures asked for`, {
          hint: `it supports ${recipe.runtimes.join(', ')} on ${recipe.architectures.join(', ')}`,
        });
      }
      continue;
    }
    for (const runtime of wantedRuntimes)
      for (const arch of wantedArchs)
        cells.push({ recipe: `${recipe.name}@${recipe.version}`, runtime, arch });
  }
  if (cells.length === 0) {
    throw new UserError(
      `none of the ${recipes.length} recipes supports the runtimes/architectures asked for`,
      {
        hint: `asked for ${[...runtimes, ...archs].join(', ') || 'their defaults'}; see \`layerforge list\` for what each supports`,
      },
    );
  }
  return cells;
}

/** Events a cell forwards while others run beside it: its outcome matters, its log lines would interleave. */
function cellSink(sink: EventSink, label: string): EventSink {
  return (event: LayerforgeEvent) => {
    if (event.type === 'warning') sink({ ...event, message: `${label}: ${event.message}` });
    else if (event.type === 'build.step.end' && event.status === 'failed') sink({ ...event, detail: label });
  };
}

/**
 * Builds every cell, at most `jobs` at once, each on an engine of its arch (round-robin among
 * them; see `placeCells`). A failed cell never touches the others' artifacts; each result says
 * what happened to it and where it ran.
 */
export async function buildMatrix(
  cells: MatrixCell[],
  base: Omit<BuildLayerOptions, 'recipe' | 'runtime' | 'arch'>,
  options: { jobs: number; engines: MatrixEngine[] },
  job: JobContext,
): Promise<MatrixCellResult[]> {
  const io = job;
  const limit = pLimit(Math.max(1, options.jobs));
  const placements = placeCells(cells, options.engines);
  return Promise.all(
    cells.map((cell, index) =>
      limit(async (): Promise<MatrixCellResult> => {
        const placement = placements[index];
        const engine = placement?.engine.engine;
        const label = cellLabel(cell);
        const started = performance.now();
        const elapsed = () => Math.round(performance.now() - started);
        const emulated = placement?.emulated ?? false;
        const where = {
          engine: placement?.engine.label ?? 'default',
          ...(placement?.engine.arch ? { engineArch: placement.engine.arch } : {}),
          emulated,
        };
        if (io.signal.aborted) return { ...cell, status: 'interrupted', ms: 0, ...where };
        io.sink({
          type: 'matrix.cell.start',
          cell: label,
          engine: where.engine,
          ...(emulated ? { emulated } : {}),
        });
        try {
          const built = await buildLayer(
            { ...base, recipe: cell.recipe, runtime: cell.runtime, arch: cell.arch },
            {
              ...job,
              sink: cellSink(job.sink, label),
              ...(engine ? { engine: () => Promise.resolve(engine) } : {}),
            },
          );
          const result: MatrixCellResult = {
            ...cell,
            status: built.cached ? 'cached' : 'ok',
            zipPath: built.zipPath,
            unzippedBytes: built.manifest.zip.unzippedBytes,
            zippedBytes: built.manifest.zip.zippedBytes,
            ms: elapsed(),
            ...where,
          };
          io.sink({
            type: 'matrix.cell.done',
            cell: label,
            status: result.status,
            ms: result.ms,
            zipPath: built.zipPath,
          });
          return result;
        } catch (error) {
          const status = isAbortError(error) ? 'interrupted' : 'failed';
          const message = error instanceof Error ? error.message : String(error);
          io.sink({ type: 'matrix.cell.done', cell: label, status, ms: elapsed(), error: message });
          return { ...cell, status, ms: elapsed(), error: message, ...where };
        }
      }),
    ),
  );
}
