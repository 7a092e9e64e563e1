import { InterruptedError } from './errors.js';

/**
 * Runs `job` for every item at once and returns their results in the items' order. The first
 * failure aborts the other jobs (through the signal each one gets), and is thrown once every job
 * has settled: none is still writing or cleaning up when the caller hears of it. An abort of
 * `signal` reaches every job, and then the outcome is InterruptedError.
 */
export async function runTogether<T, R>(
  items: readonly T[],
  signal: AbortSignal,
  job: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const stop = new AbortController();
  const jobSignal = AbortSignal.any([signal, stop.signal]);
  let failure: { error: unknown } | undefined;
  const outcomes = await Promise.allSettled(
    items.map(async (item) => {
      try {
        return await job(item, jobSignal);
      } catch (error) {
        failure ??= { error };
        stop.abort();
        throw error;
      }
    }),
  );
  if (signal.aborted) throw new InterruptedError();
  if (failure) throw failure.error;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<R>).value);
}
