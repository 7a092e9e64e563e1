/** Exit codes shared by every command (docs/architecture.md, "Errors and exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface UserErrorOptions {
  /** One line telling the user what to do next. */
  hint?: string;
  cause?: unknown;
  /** 2 (bad input) unless the job itself failed (1). */
  exitCode?: typeof ExitCode.failure | typeof ExitCode.badInput;
  /** Extra lines shown under the message, e.g. a size breakdown or log tail. */
  details?: string[];
}

/**
 * An error the user can act on: printed as one message plus a hint, never with a stack.
 * Anything that is not a UserError is a bug in layerforge.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: typeof ExitCode.failure | typeof ExitCode.badInput;
  readonly details: string[];

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
    this.details = options.details ?? [];
  }
}

/** A job (build, audit, publish) ran and failed: exit 1. */
export class JobFailedError extends UserError {
  constructor(message: string, options: Omit<UserErrorOptions, 'exitCode'> = {}) {
    super(message, { ...options, exitCode: ExitCode.failure });
    this.name = 'JobFailedError';
  }
}

/** Thrown when an AbortSignal fires; maps to exit 130. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof InterruptedError ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'InterruptedError'))
  );
}

/** Throws InterruptedError when the signal has fired: call between steps of a long job. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}

/**
 * The end of a `switch` over a closed union: a new member fails to compile where it is not
 * handled, and a value the types ruled out (a hand-built object, a stale JSON line) throws.
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
