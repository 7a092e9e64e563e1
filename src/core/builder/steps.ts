import type { BuildStep, EventSink } from '../events.js';

/** Runs one build step, reporting its start, end and duration; a throw marks it failed. */
export async function step<T>(
  sink: EventSink,
  name: BuildStep,
  run: () => Promise<T>,
  detail?: (result: T) => string | undefined,
): Promise<T> {
  const started = performance.now();
  sink({ type: 'build.step.start', step: name });
  try {
    const result = await run();
    const d = detail?.(result);
    sink({
      type: 'build.step.end',
      step: name,
      status: 'ok',
      ms: Math.round(performance.now() - started),
      ...(d ? { detail: d } : {}),
    });
    return result;
  } catch (error) {
    sink({
      type: 'build.step.end',
      step: name,
      status: 'failed',
      ms: Math.round(performance.now() - started),
    });
    throw error;
  }
}

export function skipStep(sink: EventSink, name: BuildStep, detail: string): void {
  sink({ type: 'build.step.start', step: name });
  sink({ type: 'build.step.end', step: name, status: 'skipped', ms: 0, detail });
}
