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

/**
 * Awaits every promise and returns their values in order. If any failed, throws the failure of
 * the first in order, not in time: reads made side by side then report the same problem a read
 * one after another would, whichever finished first.
 */
export async function settledInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(promises);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
