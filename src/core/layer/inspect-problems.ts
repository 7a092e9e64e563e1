import type { AuditCode, AuditSeverity } from '../audit/types.js';
import { layerListing } from './entry.js';
import { isUnsafeEntryName } from './link.js';
import { checkLayerLayout } from './layout-rules.js';
import type { ZipEntryInfo } from './read-zip.js';

/** Codes inspect reports: the audit's, including what only a zip can get wrong. */
export type LayerProblemCode = AuditCode;

/** The codes only a zip's records produce: the audit of the unzipped tree cannot see them. */
export const ZIP_ONLY_CODES: ReadonlySet<LayerProblemCode> = new Set([
  'unsafe-entry-name',
  'duplicate-entry',
  'no-unix-modes',
]);

/** One thing wrong with a layer zip; the same shape as an audit finding. */
export interface LayerProblem {
  severity: AuditSeverity;
  code: LayerProblemCode;
  /** The entry (or group of entries, e.g. `numpy`) as it lands under /opt. */
  file: string;
  reason: string;
  hint: string;
}

/**
 * What only a zip can get wrong (unsafe names, duplicates, missing unix modes), in entry order,
 * then the layout rules `audit` applies too, on the entries that would land inside /opt.
 */
export function findProblems(
  entries: readonly ZipEntryInfo[],
  options: { runtime?: string },
): LayerProblem[] {
  const problems: LayerProblem[] = [];
  const seen = new Set<string>();
  const inside: ZipEntryInfo[] = [];
  for (const entry of entries) {
    if (isUnsafeEntryName(entry.name)) {
      problems.push({
        severity: 'error',
        code: 'unsafe-entry-name',
        file: entry.name.replace(/\/$/, ''),
        reason: 'the entry name is absolute or contains "..": it would be written outside /opt',
        hint: 'rebuild the zip from inside the layer folder (cd layer && zip -r -y ../layer.zip .)',
      });
      continue;
    }
    if (seen.has(entry.path)) {
      problems.push({
        severity: 'warning',
        code: 'duplicate-entry',
        file: entry.path,
        reason: 'the zip holds this path more than once; the last copy wins when it is extracted',
        hint: 'rebuild the zip from a clean folder',
      });
    }
    seen.add(entry.path);
    if (entry.path !== '') inside.push(entry);
  }
  problems.push(...checkLayerLayout(layerListing(inside), { runtime: options.runtime }));
  const withoutModes = entries.filter((e) => !e.modeKnown);
  if (withoutModes.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'no-unix-modes',
      file: withoutModes[0]?.path ?? '',
      reason: `${withoutModes.length} entries carry no unix permissions (zip made on Windows or by a tool that drops them): executables lose their exec bit`,
      hint: 'rebuild the zip on Linux with `zip -r -y` or `layerforge build`',
    });
  }
  return problems;
}

/** Lambda refuses a function whose layers unzip to more than its limit: no layer may alone. */
export function tooLargeProblem(unzippedBytes: number, limitBytes: number): LayerProblem {
  return {
    severity: 'error',
    code: 'layer-too-large',
    file: '.',
    reason: `${unzippedBytes} bytes unzipped, over Lambda's limit of ${limitBytes} bytes (250 MB) for a function and all its layers`,
    hint: 'prune the layer (tests, docs, unused packages) or split it across several layers',
  };
}
