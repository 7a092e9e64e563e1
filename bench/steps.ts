/**
 * The per-step breakdown of a build, from the `build.step.end` events its `--json` output
 * carries: what the cold build's time goes to, and what is left for process start-up.
 */
import { BUILD_STEPS, type LayerforgeEvent } from '../src/core/events.js';
import { median } from './shell.js';

export interface StepTime {
  step: string;
  ms: number;
}

/** Milliseconds per step in build order; a step that ran more than once (a retried prune) is summed. */
export function stepTimes(events: LayerforgeEvent[]): StepTime[] {
  const total = new Map<string, number>();
  for (const e of events) if (e.type === 'build.step.end') total.set(e.step, (total.get(e.step) ?? 0) + e.ms);
  return BUILD_STEPS.filter((s) => total.has(s)).map((step) => ({ step, ms: total.get(step) ?? 0 }));
}

/**
 * The median of each step across runs, plus `other`: the median wall time less the steps' sum
 * (starting node, loading modules, work between steps). Steps keep the first run's order.
 */
export function medianSteps(runs: StepTime[][], wallSeconds: number[]): StepTime[] {
  const steps = [...new Set(runs.flatMap((r) => r.map((s) => s.step)))];
  const rows = steps.map((step) => ({
    step,
    ms: median(runs.map((r) => r.find((s) => s.step === step)?.ms ?? 0)),
  }));
  const other = median(wallSeconds) * 1000 - rows.reduce((sum, r) => sum + r.ms, 0);
  return Number.isFinite(other) ? [...rows, { step: 'other', ms: Math.max(0, other) }] : rows;
}
