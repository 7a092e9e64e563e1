/** ok: nothing to do; warn: something a part of layerforge needs is missing; fail: something is broken. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One finding of `layerforge doctor`. */
export interface DoctorCheck {
  /** Stable: `engine`, `arm64-engine`, `emulator-arm64`, `aws-credentials` … */
  id: string;
  status: CheckStatus;
  /**
   * Where it looked: this machine (`host`), the container engine (which may run on another
   * machine: `DOCKER_HOST`, `--docker-host`), or AWS.
   */
  where: 'host' | 'engine' | 'aws';
  summary: string;
  details?: string[];
  /** The fix, when the status is not ok. */
  hint?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  failures: number;
  warnings: number;
  /** The cache folder, for the README's "where is it" question. */
  cacheDir: string;
}

/** This machine's facts the checks read; tests give others. */
export interface HostFacts {
  platform: NodeJS.Platform;
  /** Node's arch name: `x64`, `arm64`. */
  arch: string;
  /** `uname -r`: equal to the engine's kernel when the engine runs on this machine. */
  kernelRelease: string;
  uid: number | undefined;
  nodeVersion: string;
  /** Where the kernel lists the registered binary formats. */
  binfmtDir: string;
}
