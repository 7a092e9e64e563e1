export type AuditSeverity = 'error' | 'warning' | 'info';

/** Stable codes, so users and tests can match findings without parsing text. */
export type AuditCode =
  | 'arch-mismatch'
  | 'glibc-too-new'
  | 'symbol-version-too-new'
  | 'missing-library'
  | 'python-abi-mismatch'
  | 'wheel-glibc-too-new'
  | 'outside-runtime-paths'
  | 'not-executable'
  | 'not-world-readable'
  | 'dangling-symlink'
  | 'escaping-symlink'
  | 'stand-in-base'
  | 'unreadable-elf';

export interface AuditFinding {
  severity: AuditSeverity;
  code: AuditCode;
  /** Path inside the layer, as it lands under /opt (no leading slash). */
  file: string;
  reason: string;
  hint: string;
}
