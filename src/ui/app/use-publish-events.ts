import { useCallback, useEffect, useReducer, useRef } from 'react';
import { isAbortError } from '../../core/errors.js';
import type { LayerforgeEvent } from '../../core/events.js';
import type { StepIO } from '../../core/job-context.js';
import { describeEvent } from '../plain-reporter.js';
import type { BuildFailure } from './build-state.js';
import { failureOf } from './use-build-events.js';

/** Publishes a built zip to regions; the picker's seam to the core's publishLayer. */
export type PublishZip = (
  zipPath: string,
  regions: string[],
  io: StepIO,
) => Promise<{ layerName: string; lockFile: string | undefined }>;

export interface RegionRow {
  region: string;
  layerName: string;
  status: 'running' | 'ok' | 'failed';
  layerVersionArn?: string;
  reused?: boolean;
  error?: string;
}

export interface PublishState {
  phase: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  regions: RegionRow[];
  /** Uploads, retries, sharing and warnings, as the plain reporter words them. */
  notes: string[];
  lockFile?: string;
  failure?: BuildFailure;
}

type Action =
  | { kind: 'start' }
  | { kind: 'event'; event: LayerforgeEvent }
  | { kind: 'finished'; lockFile: string | undefined }
  | { kind: 'failed'; failure: BuildFailure }
  | { kind: 'cancelled' };

const initial: PublishState = { phase: 'idle', regions: [], notes: [] };

export function reducePublish(state: PublishState, action: Action): PublishState {
  switch (action.kind) {
    case 'start':
      return { ...initial, phase: 'running' };
    case 'finished':
      return { ...state, phase: 'done', lockFile: action.lockFile };
    case 'failed':
      return { ...state, phase: 'failed', failure: action.failure };
    case 'cancelled':
      return { ...state, phase: 'cancelled' };
    case 'event': {
      const e = action.event;
      if (e.type === 'publish.region.start') {
        return {
          ...state,
          regions: [...state.regions, { region: e.region, layerName: e.layerName, status: 'running' }],
        };
      }
      if (e.type === 'publish.region.done') {
        const row: RegionRow = {
          region: e.region,
          layerName: e.layerName,
          status: e.ok ? 'ok' : 'failed',
          ...(e.layerVersionArn ? { layerVersionArn: e.layerVersionArn } : {}),
          ...(e.reused !== undefined ? { reused: e.reused } : {}),
          ...(e.error ? { error: e.error } : {}),
        };
        const known = state.regions.some((r) => r.region === e.region);
        return {
          ...state,
          regions: known
            ? state.regions.map((r) => (r.region === e.region ? row : r))
            : [...state.regions, row],
        };
      }
      const line = e.type.startsWith('publish.') || e.type === 'warning' ? describeEvent(e) : undefined;
      return line === undefined ? state : { ...state, notes: [...state.notes, line.trim()].slice(-6) };
    }
  }
}

/** Runs a publish and folds its core events into view state, like useBuildEvents. */
export function usePublishEvents(publish: PublishZip | undefined, external?: AbortSignal) {
  const [state, dispatch] = useReducer(reducePublish, initial);
  const controller = useRef<AbortController | undefined>(undefined);

  const start = useCallback(
    (zipPath: string, regions: string[]) => {
      if (!publish) return;
      const own = new AbortController();
      controller.current = own;
      dispatch({ kind: 'start' });
      publish(zipPath, regions, {
        sink: (event) => dispatch({ kind: 'event', event }),
        signal: own.signal,
      }).then(
        (result) => dispatch({ kind: 'finished', lockFile: result.lockFile }),
        (error: unknown) =>
          dispatch(
            isAbortError(error) || own.signal.aborted
              ? { kind: 'cancelled' }
              : { kind: 'failed', failure: failureOf(error) },
          ),
      );
    },
    [publish],
  );

  const cancel = useCallback(() => {
    const own = controller.current;
    if (own && !own.signal.aborted) own.abort();
  }, []);

  useEffect(() => {
    if (!external) return;
    external.addEventListener('abort', cancel);
    return () => external.removeEventListener('abort', cancel);
  }, [external, cancel]);
  useEffect(() => () => controller.current?.abort(), []);

  return { state, start, cancel };
}
