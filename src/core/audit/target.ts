import { UserError } from '../errors.js';
import { getRuntime, runtimeIds } from '../runtimes/catalog.js';
import type { Architecture, LambdaRuntime } from '../runtimes/catalog.js';
import {
  hasBundledSystemLibraries,
  loadBundledSystemLibraries,
  withExtraLibraries,
} from './system-libraries.js';
import type { AuditOs, AuditTarget, SystemLibraries } from './types.js';
import { versionLimits } from './version-limits.js';

export interface AuditTargetOptions {
  runtime: string | LambdaRuntime;
  arch: Architecture;
  /** Audit against another OS than the runtime's own, e.g. `debian12` for the offline stand-in. */
  os?: string;
  /**
   * The target image's libraries. Required for an OS without a committed list (debian12, whose
   * list is read from the stand-in image); for al2/al2023 it replaces the committed list.
   */
  systemLibraries?: SystemLibraries;
}

/** OS ids `--os` accepts: the catalog's Lambda OSes plus the stand-ins in version-limits.yaml. */
export function auditOsIds(): string[] {
  return Object.keys(versionLimits());
}

/** The sonames a runtime's own files provide, on top of the OS image (libpython in /var/lang/lib). */
export function runtimeProvidedLibraries(runtime: LambdaRuntime): string[] {
  if (runtime.family !== 'python') return [];
  return [`libpython${runtime.version}.so.1.0`, 'libpython3.so'];
}

/**
 * Builds the target an audit checks against: the runtime from the catalog, its OS (or the
 * `os` override), and the system libraries of that OS's image.
 */
export async function resolveAuditTarget(options: AuditTargetOptions): Promise<AuditTarget> {
  const runtime = typeof options.runtime === 'string' ? getRuntime(options.runtime) : options.runtime;
  const os = auditOs(runtime, options.os);
  let systemLibraries = options.systemLibraries;
  if (!systemLibraries) {
    if (!hasBundledSystemLibraries(os.id)) {
      throw new UserError(`the system libraries of ${os.name} are read from its image, and none was given`, {
        hint: `pass --system-libraries <file> (one soname per line, e.g. saved from \`ldconfig -p\` in the ${os.id} image)`,
      });
    }
    systemLibraries = await loadBundledSystemLibraries(os.id, options.arch);
  }
  return {
    runtime,
    arch: options.arch,
    os,
    systemLibraries: withExtraLibraries(systemLibraries, runtimeProvidedLibraries(runtime)),
  };
}

function auditOs(runtime: LambdaRuntime, override: string | undefined): AuditOs {
  if (override === undefined || override === runtime.os.id) return runtime.os;
  const limits = versionLimits()[override];
  if (!limits) {
    throw new UserError(`unknown OS "${override}"`, { hint: `--os takes one of ${auditOsIds().join(', ')}` });
  }
  if (limits.glibc && limits.name) return { id: override, name: limits.name, glibc: limits.glibc };
  // A Lambda OS other than the runtime's own: take its name and glibc from the catalog.
  const donor = catalogOs(override);
  if (!donor) throw new Error(`version-limits.yaml: OS ${override} needs a name and glibc`);
  return donor;
}

function catalogOs(id: string): AuditOs | undefined {
  // The catalog has no OS lookup of its own; any runtime on that OS carries it.
  return runtimeIds()
    .map((runtimeId) => getRuntime(runtimeId).os)
    .find((os) => os.id === id);
}
