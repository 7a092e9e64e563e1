import type { Architecture } from '../runtimes/catalog.js';

/** What `layerforge invoke` runs: one function, its layers, one event. */
export interface InvokeOptions {
  /** Folder with the function's code; mounted read-only at /var/task. */
  functionDir: string;
  /** `module.function` for Python and Node; passed as `_HANDLER` to a custom runtime's bootstrap. */
  handler: string;
  runtime: string;
  /** Layer zips or recipe specs (built first), in Lambda's order: a later layer wins. */
  layers: string[];
  /** The event, as JSON text. */
  event: string;
  arch?: Architecture;
  /** Base image pair; default `lambda` (official images). */
  base?: string;
  /** The emulator binary; else $LAYERFORGE_RIE, PATH, ~/go/bin. */
  rie?: string;
  /** Give the function the engine's default network instead of none. */
  network?: boolean;
  /** Invocations in one container: the first is a cold start, the rest are warm. Default 1. */
  repeat?: number;
  /** AWS_LAMBDA_FUNCTION_TIMEOUT for the emulator, in seconds. */
  timeoutSeconds?: number;
  recipeDirs?: string[];
  /** Where recipe layers are written (as `layerforge build` does); default `dist`. */
  outDir?: string;
  /** What containers building `layers` from recipes get (`--build-env`), and their network. */
  buildEnv?: Record<string, string>;
  dockerNetwork?: string;
  /** Folder of base-image definitions; default the bundled one. */
  baseImagesDir?: string;
}

/** The figures of one REPORT line. */
export interface InvocationReport {
  requestId: string;
  /** Present on a cold start only. */
  initDurationMs?: number;
  durationMs: number;
  billedDurationMs?: number;
  memorySizeMB?: number;
  maxMemoryUsedMB?: number;
  /** `emulator`: parsed from its REPORT line; `measured`: the emulator printed none, so timed by layerforge. */
  source: 'emulator' | 'measured';
}

/** A handler error, in the shape Lambda returns it. */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  stackTrace?: unknown;
}

/** One invocation: the response as returned, whether the handler failed, and its REPORT figures. */
export interface InvocationResult {
  /** 1-based. */
  index: number;
  statusCode: number;
  /** The response body exactly as the emulator returned it. */
  payload: string;
  functionError?: FunctionError;
  report: InvocationReport;
  /** The HTTP round trip seen from inside the container. */
  roundTripMs: number;
}

/** What `invokeFunction` returns: every invocation, in order. */
export interface InvokeResult {
  image: string;
  /** The emulator binary on the host. */
  emulator: string;
  /** The layer zips, in the order they were applied to /opt. */
  layers: string[];
  invocations: InvocationResult[];
}
