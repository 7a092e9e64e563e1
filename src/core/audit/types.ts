import type { Architecture, LambdaRuntime } from '../runtimes/catalog.js';

export type AuditSeverity = 'error' | 'warning' | 'info';

/** Stable codes, so users and tests can match findings without parsing text. */
export type AuditCode =
  | 'arch-mismatch'
  // A per-platform copy for another machine that nothing loads (check-foreign-arch.ts): a warning.
  | 'foreign-arch-unused'
  | 'glibc-too-new'
  | 'symbol-version-too-new'
  | 'missing-library'
  | 'python-abi-mismatch'
  | 'wheel-glibc-too-new'
  | 'wheel-platform-mismatch'
  | 'outside-runtime-paths'
  | 'not-executable'
  | 'not-world-readable'
  | 'dangling-symlink'
  | 'escaping-symlink'
  | 'stand-in-base'
  | 'unreadable-elf'
  | 'unextractable-entry'
  | 'layer-too-large'
  // What only a zip's own records can get wrong: inspect reports them, and publish of a zip
  // layerforge did not build shows them with the audit's findings.
  | 'unsafe-entry-name'
  | 'duplicate-entry'
  | 'no-unix-modes';

export interface AuditFinding {
  severity: AuditSeverity;
  code: AuditCode;
  /** Path inside the layer, as it lands under /opt (no leading slash). */
  file: string;
  reason: string;
  hint: string;
  /** The library a finding is about (a DT_NEEDED soname), when there is one. */
  library?: string;
  /** The highest symbol version or tag that is too new, e.g. `GLIBC_2.36`, `manylinux_2_28`. */
  version?: string;
}

/**
 * The shared libraries a target runtime image provides, by soname. Read from the image when it
 * can be inspected, otherwise from a committed list; `source` says which, for the report.
 */
export interface SystemLibraries {
  source: string;
  has(soname: string): boolean;
}

/** The OS a layer is audited against: a Lambda OS from the catalog, or a stand-in like debian12. */
export interface AuditOs {
  id: string;
  name: string;
  /** glibc version, `major.minor`. */
  glibc: string;
}

/** Where the layer will run: runtime, arch, its OS and the libraries that OS's image provides. */
export interface AuditTarget {
  runtime: LambdaRuntime;
  arch: Architecture;
  os: AuditOs;
  systemLibraries: SystemLibraries;
}

export interface AuditResult {
  /** Sorted: errors first, then warnings, then info; within a severity by file, code, reason. */
  findings: AuditFinding[];
  /** Regular files looked at (symlinks and folders not counted). */
  filesChecked: number;
  elfFiles: number;
  ms: number;
}
