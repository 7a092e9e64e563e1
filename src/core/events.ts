import type { AuditFinding } from './audit/types.js';
import type { MatrixCellResult } from './builder/matrix.js';
import type { BuildLayerResult } from './builder/types.js';
import type { FunctionError, InvocationReport, InvokeResult } from './invoke/types.js';
import type { SizeReport } from './layer/size-types.js';
import type { PublishSummary } from './publish/types.js';
import type { UploadOutcome } from './remote-cache/s3-store.js';
import type { Architecture } from './runtimes/catalog.js';
import type { RuntimeStatus } from './runtimes/lifecycle.js';

/** The steps of a build, in the order they run; the TUI shows them as a list. */
export const BUILD_STEPS = [
  'resolve',
  'base-image',
  'build',
  'extract',
  'prune',
  'audit',
  'zip',
  'test',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

/** A runtime past its deprecation date; `moveTo` is the newest supported runtime of its family. */
export interface DeprecatedRuntimeWarning {
  type: 'warning';
  code: 'deprecated-runtime';
  message: string;
  runtime: string;
  status: Exclude<RuntimeStatus, 'supported'>;
  /** The deprecation date (UTC day). */
  deprecatedOn: string;
  blockCreate?: string;
  blockUpdate?: string;
  moveTo?: string;
}

/**
 * Everything the core reports while it works, and the summary a command ends with. Stable
 * `type` codes: `--json` writes these objects as lines and nothing else, the plain reporter
 * prints them, the ink UI renders them.
 */
export type LayerforgeEvent =
  | { type: 'build.step.start'; step: BuildStep; detail?: string }
  | {
      type: 'build.step.end';
      step: BuildStep;
      status: 'ok' | 'skipped' | 'failed';
      ms: number;
      detail?: string;
    }
  | { type: 'build.log'; line: string; source: 'container' | 'smoke-test' | 'base-image' }
  /** `remote`: the hit came from the remote cache (built elsewhere with the same inputs). */
  | { type: 'build.cache'; hit: boolean; key: string; remote?: boolean }
  | { type: 'build.done'; zipPath: string; manifestPath: string; cached: boolean; remote?: boolean }
  /** A verified entry downloaded from the remote cache (`url`: s3://bucket/prefix) into the local one. */
  | { type: 'cache.remote.hit'; key: string; url: string; bytes: number }
  | { type: 'cache.remote.miss'; key: string; url: string }
  /** The write-through after a build or a local hit: what happened to the remote entry. */
  | { type: 'cache.remote.upload'; key: string; url: string; outcome: UploadOutcome; bytes: number }
  | { type: 'size.measured'; report: SizeReport }
  | { type: 'audit.finding'; finding: AuditFinding }
  | { type: 'audit.done'; errors: number; warnings: number; filesChecked: number; ms: number }
  | { type: 'prune.rule'; rule: string; bytesSaved: number; reverted: boolean }
  | { type: 'test.result'; command: string; ok: boolean; output: string }
  | { type: 'publish.region.start'; region: string; layerName: string }
  | {
      type: 'publish.region.done';
      region: string;
      layerName: string;
      ok: boolean;
      layerVersionArn?: string;
      version?: number;
      reused?: boolean;
      error?: string;
    }
  | { type: 'publish.upload'; region: string; bucket: string; key: string; bytes: number }
  /** A failed PublishLayerVersion is retried, after checking that it created no version. */
  | { type: 'publish.retry'; region: string; operation: string; attempt: number; error: string }
  /** A sharing statement on a layer version's policy: `added` false when it was already there. */
  | {
      type: 'publish.permission';
      region: string;
      layerVersionArn: string;
      statementId: string;
      added: boolean;
    }
  /** `emulated`: no engine of the cell's arch was given, so it runs under QEMU on another. */
  | { type: 'matrix.cell.start'; cell: string; engine: string; emulated?: boolean }
  | {
      type: 'matrix.cell.done';
      cell: string;
      status: 'ok' | 'cached' | 'failed' | 'interrupted';
      ms: number;
      zipPath?: string;
      error?: string;
    }
  /**
   * The outcome of a `build` or `test` of one layer, its last record under --json: the zip, its
   * manifest (sha256, sizes, runtimes, arch) and whether it came from the cache.
   */
  | ({ type: 'build.result' } & BuildLayerResult)
  /** Every cell's outcome, after the last one ends: the table `build` prints for a matrix. */
  | { type: 'matrix.summary'; cells: MatrixCellResult[] }
  /** The outcome of a whole `publish`, in the order the regions were given. */
  | ({ type: 'publish.summary' } & PublishSummary)
  /** A stand-in base's image pair `base build` made (or found) for one arch, as tagged in the engine. */
  | { type: 'base.built'; base: string; arch: Architecture; buildImage: string; runtimeImage: string }
  /** Every invocation of an `invoke`; `ok` is false when any of them returned a function error. */
  | ({ type: 'invoke.result'; ok: boolean } & InvokeResult)
  /** A line the invoked function (`function`) or the emulator (`emulator`) wrote. */
  | { type: 'invoke.log'; source: 'function' | 'emulator'; line: string }
  /** The REPORT figures of one invocation (1-based); a cold start has `initDurationMs`. */
  | { type: 'invoke.report'; invocation: number; report: InvocationReport }
  /** One invocation's response, as Lambda returns it; `functionError` when the handler failed. */
  | {
      type: 'invoke.response';
      invocation: number;
      statusCode: number;
      payload: string;
      functionError?: FunctionError;
    }
  | DeprecatedRuntimeWarning
  | { type: 'warning'; code: string; message: string }
  | { type: 'info'; message: string };

export type EventType = LayerforgeEvent['type'];

export type EventSink = (event: LayerforgeEvent) => void;

/** A sink that drops everything: for callers that only want the return value. */
export const ignoreEvents: EventSink = () => {};

/** Collects events into an array: for tests and for commands that summarise at the end. */
export function recordEvents(): { sink: EventSink; events: LayerforgeEvent[] } {
  const events: LayerforgeEvent[] = [];
  return { sink: (event) => events.push(event), events };
}
