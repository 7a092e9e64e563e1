import { stat } from 'node:fs/promises';
import { throwIfAborted } from '../errors.js';
import { getRuntime } from '../runtimes/catalog.js';
import { findProblems, tooLargeProblem } from './inspect-problems.js';
import type { LayerProblem } from './inspect-problems.js';
import { checkSymlinks } from './link-check.js';
import type { SymlinkInfo } from './link-check.js';
import { octal } from './modes.js';
import { readZipEntries } from './read-zip.js';
import type { ZipEntryInfo } from './read-zip.js';
import { searchedLayerPaths } from './search-paths.js';
import { SizeTally, sizeReportFrom } from './size.js';
import type { SizeReport } from './size-types.js';

/** How many entries carry each mode, by kind. */
export interface ModeSummary {
  /** Octal mode → count, e.g. `{ "0644": 812, "0755": 40 }`. */
  files: Record<string, number>;
  directories: Record<string, number>;
  symlinks: number;
  /** Entries whose zip carries no unix mode (the counts above then hold inferred modes). */
  withoutUnixMode: number;
}

export interface LayerInspection {
  zipPath: string;
  /** The runtime checked against, if one was given. */
  runtime?: string;
  /** The zip paths that runtime (or, without one, any runtime) searches. */
  searchedPaths: string[];
  /** Every entry in the central directory, directories included: what `zipinfo` counts. */
  entryCount: number;
  size: SizeReport;
  modes: ModeSummary;
  symlinks: SymlinkInfo[];
  problems: LayerProblem[];
  errors: number;
  warnings: number;
}

/**
 * Inspects any layer zip, built by layerforge or not: sizes against Lambda's limits and the
 * largest directories and packages (the same accounting as the build), modes, symlinks and
 * where each resolves, and problems: escaping symlinks, unsafe entry names, entries Lambda's
 * non-root user cannot read, and content outside the paths the runtime searches (`numpy/` at
 * the root instead of under `python/`). Reads only the central directory and symlink bodies.
 *
 * Throws UserError (exit 2) for a missing file, a file that is not a zip, or an unknown runtime.
 */
export async function inspectLayerZip(
  zipPath: string,
  options: { runtime?: string; signal?: AbortSignal } = {},
): Promise<LayerInspection> {
  if (options.runtime !== undefined) getRuntime(options.runtime);
  const searchedPaths = searchedLayerPaths(options.runtime);
  const entries: ZipEntryInfo[] = [];
  const tally = new SizeTally();
  const modes: ModeSummary = { files: {}, directories: {}, symlinks: 0, withoutUnixMode: 0 };
  for await (const entry of readZipEntries(zipPath, { signal: options.signal })) {
    entries.push(entry);
    tally.add(entry);
    countMode(modes, entry);
  }
  throwIfAborted(options.signal);
  const { size: zippedBytes } = await stat(zipPath);
  const symlinks = checkSymlinks(entries);
  const problems = findProblems(entries, { runtime: options.runtime });
  const size = sizeReportFrom(tally, { zippedBytes });
  if (size.overLimit) problems.unshift(tooLargeProblem(size.unzippedBytes, size.limitBytes));
  const inspection: LayerInspection = {
    zipPath,
    searchedPaths,
    entryCount: entries.length,
    size,
    modes,
    symlinks,
    problems,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
  };
  if (options.runtime !== undefined) inspection.runtime = options.runtime;
  return inspection;
}

function countMode(modes: ModeSummary, entry: ZipEntryInfo): void {
  if (!entry.modeKnown) modes.withoutUnixMode += 1;
  if (entry.type === 'symlink') {
    modes.symlinks += 1;
    return;
  }
  const bucket = entry.type === 'dir' ? modes.directories : modes.files;
  const key = octal(entry.mode);
  bucket[key] = (bucket[key] ?? 0) + 1;
}
