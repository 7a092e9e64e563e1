import { auditLayer } from '../audit/audit-layer.js';
import { countBySeverity, sortFindings } from '../audit/findings.js';
import { resolveAuditTarget } from '../audit/target.js';
import type { AuditFinding } from '../audit/types.js';
import { JobFailedError, UserError, throwIfAborted } from '../errors.js';
import type { EventSink } from '../events.js';
import { inspectLayerZip } from '../layer/inspect.js';
import { ZIP_ONLY_CODES } from '../layer/inspect-problems.js';
import type { LayerManifest } from '../layer/manifest.js';
import { getRuntime, type Architecture } from '../runtimes/catalog.js';

/** What a zip is for, as `publish` needs it: the manifest's fields, or the flags' for a plain zip. */
export type LayerFacts = Pick<LayerManifest, 'recipe' | 'runtimes' | 'arch'>;

/** `--runtime`, `--arch` and `--audit` of `publish <zip>`. */
export interface ZipTargetOptions {
  /** The compatible runtimes; required for a zip with no manifest, checked against one that has. */
  runtimes: string[];
  /** Given several times, the first: a zip is published for one arch (refused below). */
  arches: Architecture[];
  /** false with `--no-audit`. */
  audit: boolean;
}

/**
 * The runtimes and arch of a zip layerforge did not build, from the flags: both are needed,
 * since Lambda records them on the version and the audit checks against them. Exit 2 otherwise.
 */
export function plainZipFacts(zipPath: string, options: ZipTargetOptions | undefined): LayerFacts {
  const runtimes = [...new Set(options?.runtimes ?? [])];
  const arches = [...new Set(options?.arches ?? [])];
  const [arch] = arches;
  if (runtimes.length === 0 || arch === undefined) {
    throw new UserError(
      `${zipPath} has no layerforge manifest beside it, so its runtime and arch are unknown`,
      {
        hint: 'say what it is for with --runtime <id> and --arch <x86_64|arm64> (e.g. --runtime python3.12 --arch x86_64); it is audited for them before it is published',
      },
    );
  }
  if (arches.length > 1) {
    throw new UserError(`a zip is published for one arch, got --arch ${arches.join(' and ')}`, {
      hint: 'publish it once per arch, each under its own --name',
    });
  }
  // A typo fails here, with the catalog's suggestions, even under --no-audit.
  for (const id of runtimes) getRuntime(id);
  return { recipe: null, runtimes, arch };
}

/** Flags given with a zip that has a manifest must agree with it: the manifest says what was built. */
export function checkFlagsAgainstManifest(
  manifest: LayerFacts,
  manifestPath: string,
  options: ZipTargetOptions | undefined,
): void {
  const foreign = (options?.runtimes ?? []).filter((id) => !manifest.runtimes.includes(id));
  const otherArch = (options?.arches ?? []).filter((a) => a !== manifest.arch);
  if (foreign.length === 0 && otherArch.length === 0) return;
  throw new UserError(
    `${manifestPath} says the zip is for ${manifest.runtimes.join(', ')} on ${manifest.arch}, not ${[...foreign, ...otherArch].join(', ')}`,
    {
      hint: 'leave out --runtime and --arch for a zip layerforge built, or build it again for that target',
    },
  );
}

/**
 * Inspects and audits a plain zip for each of its runtimes on its arch before it is published,
 * as a build audits what it makes: the zip's own records (unsafe names, duplicates, missing
 * modes), then the audit (ELF arch, glibc, libraries, Python ABI, layout, size). Every finding
 * is emitted as `audit.finding`, then one `audit.done`. Errors refuse the zip (exit 1).
 */
export async function auditPlainZip(
  zipPath: string,
  facts: LayerFacts,
  io: { sink: EventSink; signal: AbortSignal },
): Promise<void> {
  const started = performance.now();
  const findings = new Map<string, AuditFinding>();
  const add = (finding: AuditFinding) =>
    findings.set(`${finding.severity}\0${finding.code}\0${finding.file}\0${finding.reason}`, finding);
  const inspection = await inspectLayerZip(zipPath, { runtime: facts.runtimes[0], signal: io.signal });
  // The rest of inspect's problems are the audit's layout rules: found again below.
  for (const problem of inspection.problems) if (ZIP_ONLY_CODES.has(problem.code)) add(problem);
  let filesChecked = 0;
  for (const runtime of facts.runtimes) {
    throwIfAborted(io.signal);
    const target = await resolveAuditTarget({ runtime, arch: facts.arch });
    const result = await auditLayer(zipPath, target, { signal: io.signal });
    // Runtimes on one OS find the same ELF problems: each is shown once.
    for (const finding of result.findings) add(finding);
    filesChecked = result.filesChecked;
  }
  const sorted = sortFindings([...findings.values()]);
  for (const finding of sorted) io.sink({ type: 'audit.finding', finding });
  const counts = countBySeverity(sorted);
  const ms = Math.round(performance.now() - started);
  io.sink({ type: 'audit.done', errors: counts.error, warnings: counts.warning, filesChecked, ms });
  const errors = sorted.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new JobFailedError(
      `the audit found ${errors.length} error(s) in ${zipPath} for ${facts.runtimes.join(', ')} on ${facts.arch}: not published`,
      {
        details: errors.slice(0, 20).map((f) => `${f.file}: ${f.reason}`),
        hint: `${errors[0]?.hint ?? 'see `layerforge audit`'}; --no-audit publishes it anyway`,
      },
    );
  }
}
