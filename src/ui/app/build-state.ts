import type { AuditFinding } from '../../core/audit/types.js';
import type { BuildLayerResult } from '../../core/builder/types.js';
import type { ExitCode } from '../../core/errors.js';
import { BUILD_STEPS, type BuildStep, type LayerforgeEvent } from '../../core/events.js';
import type { SizeReport } from '../../core/layer/size-types.js';

export type StepStatus = 'pending' | 'running' | 'ok' | 'skipped' | 'failed';

export interface StepState {
  step: BuildStep;
  status: StepStatus;
  /** Date.now() when its start event arrived: the running step's clock. */
  startedAt?: number;
  /** The core's measured duration, once the step ended. */
  ms?: number;
  detail?: string;
}

/** How the build ended, beyond the events: the promise's outcome. */
export type BuildPhase = 'idle' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

export interface BuildFailure {
  message: string;
  /** The CLI's exit code for this failure: 1 the job failed, 2 bad input. */
  exitCode: ExitCode;
  hint?: string;
  details: string[];
}

/** Everything the build view shows; folded from core events only, plus how the call ended. */
export interface BuildState {
  phase: BuildPhase;
  steps: StepState[];
  /** Finished steps in the order they finished: append-only, for ink's <Static>. */
  finished: StepState[];
  /** The last LOG_TAIL lines of the build log. */
  log: string[];
  logLines: number;
  size?: SizeReport;
  audit?: { errors: number; warnings: number; filesChecked: number };
  findings: AuditFinding[];
  warnings: string[];
  /** Bytes the prune rules saved (reverted rules not counted). */
  prunedBytes: number;
  tests: { command: string; ok: boolean }[];
  cacheHit?: boolean;
  done?: { zipPath: string; manifestPath: string; cached: boolean; remote?: boolean };
  /**
   * Sizes from the manifest the build returned: on a cache hit the core measures nothing, so
   * no size.measured event comes, but the summary should still show the sizes.
   */
  manifestSizes?: {
    unzippedBytes: number;
    zippedBytes: number;
    audit?: { errors: number; warnings: number };
  };
  failure?: BuildFailure;
}

export const LOG_TAIL = 10;

export type BuildAction =
  | { kind: 'start' }
  | { kind: 'event'; event: LayerforgeEvent; at: number }
  | { kind: 'cancelling' }
  | { kind: 'finished'; result: BuildLayerResult }
  | { kind: 'failed'; failure: BuildFailure }
  | { kind: 'cancelled' };

export function initialBuildState(): BuildState {
  return {
    phase: 'idle',
    steps: BUILD_STEPS.map((step) => ({ step, status: 'pending' })),
    finished: [],
    log: [],
    logLines: 0,
    findings: [],
    warnings: [],
    prunedBytes: 0,
    tests: [],
  };
}

export function reduceBuild(state: BuildState, action: BuildAction): BuildState {
  switch (action.kind) {
    case 'start':
      return { ...initialBuildState(), phase: 'running' };
    case 'cancelling':
      return state.phase === 'running' ? { ...state, phase: 'cancelling' } : state;
    case 'finished': {
      const { zip, audit } = action.result.manifest;
      return {
        ...state,
        phase: 'done',
        manifestSizes: {
          unzippedBytes: zip.unzippedBytes,
          zippedBytes: zip.zippedBytes,
          ...(audit ? { audit } : {}),
        },
      };
    }
    case 'failed':
      return { ...state, phase: 'failed', failure: action.failure };
    case 'cancelled':
      return { ...state, phase: 'cancelled' };
    case 'event':
      return reduceEvent(state, action.event, action.at);
  }
}

function reduceEvent(state: BuildState, event: LayerforgeEvent, at: number): BuildState {
  switch (event.type) {
    case 'build.step.start':
      return updateStep(state, event.step, {
        status: 'running',
        startedAt: at,
        ...(event.detail ? { detail: event.detail } : {}),
      });
    case 'build.step.end': {
      const next = updateStep(state, event.step, {
        status: event.status,
        ms: event.ms,
        ...(event.detail ? { detail: event.detail } : {}),
      });
      const ended = next.steps.find((s) => s.step === event.step);
      return ended ? { ...next, finished: [...next.finished, ended] } : next;
    }
    case 'build.log': {
      const lines = event.line.split('\n');
      return {
        ...state,
        log: [...state.log, ...lines].slice(-LOG_TAIL),
        logLines: state.logLines + lines.length,
      };
    }
    case 'build.cache':
      return { ...state, cacheHit: event.hit };
    case 'size.measured':
      return { ...state, size: event.report };
    case 'audit.finding':
      return { ...state, findings: [...state.findings, event.finding] };
    case 'audit.done':
      return {
        ...state,
        audit: { errors: event.errors, warnings: event.warnings, filesChecked: event.filesChecked },
      };
    case 'warning':
      return { ...state, warnings: [...state.warnings, event.message] };
    case 'prune.rule':
      return event.reverted ? state : { ...state, prunedBytes: state.prunedBytes + event.bytesSaved };
    case 'test.result':
      return { ...state, tests: [...state.tests, { command: event.command, ok: event.ok }] };
    case 'build.done':
      return {
        ...state,
        done: {
          zipPath: event.zipPath,
          manifestPath: event.manifestPath,
          cached: event.cached,
          ...(event.remote ? { remote: true } : {}),
        },
      };
    default:
      // Publish and info events belong to other views.
      return state;
  }
}

function updateStep(state: BuildState, step: BuildStep, patch: Partial<StepState>): BuildState {
  return { ...state, steps: state.steps.map((s) => (s.step === step ? { ...s, ...patch } : s)) };
}
