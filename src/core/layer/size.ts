import { JobFailedError, throwIfAborted } from '../errors.js';
import type { LayerEntryType } from './modes.js';
import { LAMBDA_LIMITS } from '../lambda/quotas.js';
import type { SizeEntry, SizeReport } from './size-types.js';
import { walkLayerTree } from './tree.js';

/** What the size accounting needs from an entry, whether it comes from a tree or a zip. */
export interface SizedEntry {
  path: string;
  type: LayerEntryType;
  /** Uncompressed bytes: what Lambda adds up against the 250 MB. */
  size: number;
}

/** AWS's MB in the limits and in recipe budgets: 1024² bytes (250 MB = 262,144,000). */
export const MB = 1024 * 1024;

/** How many top directories and packages a report keeps. */
export const DEFAULT_TOP = 10;

/**
 * Adds entries up one at a time, so a tree walk or a zip's central directory can be measured
 * without holding the listing. Directories count for nothing; files and symlinks count their
 * uncompressed size, as Lambda does when it checks the unzipped total.
 */
export class SizeTally {
  unzippedBytes = 0;
  fileCount = 0;
  private readonly directories = new Map<string, SizeEntry>();
  private readonly packages = new Map<string, SizeEntry>();

  add(entry: SizedEntry): void {
    if (entry.type === 'dir') return;
    this.unzippedBytes += entry.size;
    this.fileCount += 1;
    bump(this.directories, entry.path.split('/')[0] ?? entry.path, entry.size);
    bump(this.packages, packageOf(entry.path), entry.size);
  }

  topDirectories(top = DEFAULT_TOP): SizeEntry[] {
    return largest(this.directories, top);
  }

  topPackages(top = DEFAULT_TOP): SizeEntry[] {
    return largest(this.packages, top);
  }
}

function bump(map: Map<string, SizeEntry>, key: string, bytes: number): void {
  const current = map.get(key);
  if (current) {
    current.bytes += bytes;
    current.files += 1;
  } else {
    map.set(key, { path: key, bytes, files: 1 });
  }
}

function largest(map: Map<string, SizeEntry>, top: number): SizeEntry[] {
  // Ties break on the path so reports are stable.
  return [...map.values()]
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, top)
    .map((entry) => ({ ...entry }));
}

/**
 * The package an entry belongs to, named the way a user would look for it:
 * `python/numpy` (under `python/` or `python/lib/python3.X/site-packages/`),
 * `nodejs/@scope/pkg`, `ruby/<gem>`, `java/<jar>`, `lib/libgeos_c` (a library and its
 * soname links together), `bin/<tool>`, otherwise the first two path segments.
 */
export function packageOf(path: string): string {
  const parts = path.split('/');
  const [first = path, second, third] = parts;
  if (second === undefined) return first;
  if (first === 'python') {
    const sitePackages = parts.indexOf('site-packages');
    const name = sitePackages >= 0 ? parts[sitePackages + 1] : second;
    const isLeaf = sitePackages >= 0 ? parts.length === sitePackages + 2 : parts.length === 2;
    if (name === undefined) return 'python';
    return `python/${isLeaf ? moduleStem(name) : name}`;
  }
  if (first === 'nodejs') {
    const at = parts.indexOf('node_modules');
    const name = at >= 0 ? parts[at + 1] : undefined;
    if (name === undefined) return `nodejs/${second}`;
    const scoped = name.startsWith('@') ? parts[at + 2] : undefined;
    return scoped === undefined ? `nodejs/${name}` : `nodejs/${name}/${scoped}`;
  }
  if (first === 'ruby') {
    const at = parts.indexOf('gems', 2);
    const name = at >= 0 ? parts[at + 1] : undefined;
    return name === undefined || at === parts.length - 2 ? `ruby/${second}` : `ruby/${name}`;
  }
  if (first === 'lib' && third === undefined) return `lib/${libraryStem(second)}`;
  if (first === 'java' && second === 'lib' && third !== undefined) return `java/${third}`;
  return `${first}/${second}`;
}

/** `six.py` → `six`, `_cffi_backend.cpython-312-x86_64-linux-gnu.so` → `_cffi_backend`. */
function moduleStem(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 && /\.(py|pyc|so|pyd|pth)$/.test(name) ? name.slice(0, dot) : name;
}

/** `libgeos_c.so.1.17.0` → `libgeos_c`, so a library and its soname links count together. */
function libraryStem(name: string): string {
  const at = name.indexOf('.so');
  return at > 0 ? name.slice(0, at) : name;
}

export interface SizeReportOptions {
  /** Bytes the function and other layers already use (default 0). */
  reservedBytes?: number;
  zippedBytes?: number;
  top?: number;
}

/** Turns a tally into the report the build, inspect and the UI share. */
export function sizeReportFrom(tally: SizeTally, options: SizeReportOptions = {}): SizeReport {
  const reservedBytes = options.reservedBytes ?? 0;
  const totalUnzippedBytes = tally.unzippedBytes + reservedBytes;
  const report: SizeReport = {
    unzippedBytes: tally.unzippedBytes,
    fileCount: tally.fileCount,
    reservedBytes,
    totalUnzippedBytes,
    limitBytes: LAMBDA_LIMITS.unzippedBytes,
    overLimit: totalUnzippedBytes > LAMBDA_LIMITS.unzippedBytes,
    needsS3: options.zippedBytes !== undefined && options.zippedBytes > LAMBDA_LIMITS.directUploadZippedBytes,
    topDirectories: tally.topDirectories(options.top),
    topPackages: tally.topPackages(options.top),
  };
  if (options.zippedBytes !== undefined) report.zippedBytes = options.zippedBytes;
  return report;
}

/** Measures a list of entries: the breakdown logic shared by trees and zips. */
export function measureEntries(entries: Iterable<SizedEntry>, options: SizeReportOptions = {}): SizeReport {
  const tally = new SizeTally();
  for (const entry of entries) tally.add(entry);
  return sizeReportFrom(tally, options);
}

/** Measures a staged layer tree (symlinks not followed; escaping links refused by the walk). */
export async function measureLayerTree(
  root: string,
  options: SizeReportOptions & { signal?: AbortSignal } = {},
): Promise<SizeReport> {
  const tally = new SizeTally();
  for await (const entry of walkLayerTree(root, { signal: options.signal })) tally.add(entry);
  throwIfAborted(options.signal);
  return sizeReportFrom(tally, options);
}

/** `12.3 MB`, with AWS's 1024² MB. */
function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

function breakdownLine(entry: SizeEntry): string {
  return `  ${mb(entry.bytes).padStart(10)}  ${entry.path} (${entry.files} ${entry.files === 1 ? 'file' : 'files'})`;
}

/** The breakdown shown under a size error: totals, then the biggest directories and packages. */
export function sizeBreakdown(report: SizeReport): string[] {
  const lines = [
    `layer ${mb(report.unzippedBytes)} unzipped in ${report.fileCount} files` +
      (report.reservedBytes > 0
        ? ` + ${mb(report.reservedBytes)} reserved for the function and other layers`
        : ''),
    'largest directories:',
    ...report.topDirectories.map(breakdownLine),
    'largest packages:',
    ...report.topPackages.map(breakdownLine),
  ];
  return lines;
}

/** Throws JobFailedError (exit 1) with the breakdown when the layer cannot fit Lambda's 250 MB. */
export function checkSizeLimits(report: SizeReport): void {
  if (!report.overLimit) return;
  throw new JobFailedError(
    `the layer is too big for Lambda: ${mb(report.totalUnzippedBytes)} unzipped, over the ${mb(report.limitBytes)} (${report.limitBytes} bytes) limit for a function and all its layers`,
    {
      details: sizeBreakdown(report),
      hint:
        report.reservedBytes > 0
          ? 'prune the largest packages, split the layer, or reserve fewer bytes if the function is smaller than that'
          : 'prune the largest packages (tests, docs, unused extras) or split the layer in two',
    },
  );
}

/** Throws JobFailedError when the layer's unzipped size exceeds the recipe's budget (MB of 1024²). */
export function checkBudget(report: SizeReport, budgetMB: number | undefined): void {
  if (budgetMB === undefined || report.unzippedBytes <= budgetMB * MB) return;
  throw new JobFailedError(
    `the layer is over its recipe's size budget: ${mb(report.unzippedBytes)} unzipped, budget ${budgetMB} MB`,
    {
      details: sizeBreakdown(report),
      hint: 'prune the largest packages, or raise budget.unzippedMB in recipe.yaml',
    },
  );
}
