import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { BuildLayer, BuildLayerOptions } from '../../core/builder/types.js';
import { ExitCode, UserError, isAbortError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { initialBuildState, reduceBuild, type BuildFailure, type BuildState } from './build-state.js';

export interface BuildControls {
  state: BuildState;
  /** Starts the build; its events fold into `state`. */
  start(options: BuildLayerOptions): void;
  /** Aborts a running build: the core removes its container and writes nothing. */
  cancel(): void;
}

/**
 * Runs a build and folds its core events into view state. The view reads only that state;
 * besides the events, only how the call ended (result, error, interruption) is recorded.
 * `external` (SIGINT/SIGTERM from outside the terminal) cancels like Ctrl-C.
 */
export function useBuildEvents(buildLayer: BuildLayer, external?: AbortSignal): BuildControls {
  const [state, dispatch] = useReducer(reduceBuild, undefined, initialBuildState);
  const controller = useRef<AbortController | undefined>(undefined);

  const start = useCallback(
    (options: BuildLayerOptions) => {
      const own = new AbortController();
      controller.current = own;
      dispatch({ kind: 'start' });
      const sink: EventSink = (event) => dispatch({ kind: 'event', event, at: Date.now() });
      buildLayer(options, { sink, signal: own.signal }).then(
        (result) => dispatch({ kind: 'finished', result }),
        (error: unknown) =>
          dispatch(
            isAbortError(error) || own.signal.aborted
              ? { kind: 'cancelled' }
              : { kind: 'failed', failure: failureOf(error) },
          ),
      );
    },
    [buildLayer],
  );

  const cancel = useCallback(() => {
    const own = controller.current;
    if (!own || own.signal.aborted) return;
    dispatch({ kind: 'cancelling' });
    own.abort();
  }, []);

  useEffect(() => {
    if (!external) return;
    if (external.aborted) cancel();
    external.addEventListener('abort', cancel);
    return () => external.removeEventListener('abort', cancel);
  }, [external, cancel]);

  // Leaving the app never leaves a build running behind it.
  useEffect(() => () => controller.current?.abort(), []);

  return { state, start, cancel };
}

/** A UserError is shown as the CLI would show it; anything else is a bug, said so. */
export function failureOf(error: unknown): BuildFailure {
  if (error instanceof UserError) {
    return {
      message: error.message,
      exitCode: error.exitCode,
      details: error.details,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `internal error: ${message}`,
    exitCode: ExitCode.failure,
    hint: 'run the same build with `layerforge build … --debug` for the stack trace, and report it',
    details: [],
  };
}
