import type { AuditSeverity } from '../audit/types.js';
import type { LayerListing } from './entry.js';
import { linkFindings } from './layout-links.js';
import { modeFindings } from './layout-modes.js';
import { placementFindings } from './layout-placement.js';
import { searchedLayerPaths } from './search-paths.js';

/** The codes of the layout rules: the same in `audit`, `inspect` and the build's audit step. */
export type LayoutCode =
  'outside-runtime-paths' | 'not-executable' | 'not-world-readable' | 'dangling-symlink' | 'escaping-symlink';

/** One thing wrong with where a layer puts its files, their modes or its links. */
export interface LayoutFinding {
  severity: AuditSeverity;
  code: LayoutCode;
  /** The entry (or group of entries, e.g. `numpy`) as it lands under /opt. */
  file: string;
  reason: string;
  hint: string;
}

export interface LayoutOptions {
  /** The runtime checked against; without one, a path any runtime searches counts as searched. */
  runtime?: string;
  /**
   * Files known from their bytes to be programs (ELF executables) wherever they sit; a caller
   * that reads only the listing (a zip's central directory) leaves it out.
   */
  programs?: ReadonlySet<string>;
}

/**
 * The one rule set for a layer's layout, read from its listing alone: files outside the paths
 * the runtime searches, modes Lambda's non-root user cannot use, and links that dangle or leave
 * /opt. `audit` and `inspect` both apply it, so the same layer gets the same verdict from each.
 */
export function checkLayerLayout(listing: LayerListing, options: LayoutOptions = {}): LayoutFinding[] {
  const searched = searchedLayerPaths(options.runtime);
  return [
    ...modeFindings(listing, options.programs ?? new Set()),
    ...linkFindings(listing),
    ...placementFindings(listing, { runtime: options.runtime, searched }),
  ];
}
