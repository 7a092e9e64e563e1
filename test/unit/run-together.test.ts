import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.js';
import { runTogether, settledInOrder } from '../../src/core/run-together.js';

/** A job that settles only when its signal aborts, recording that it saw the abort and cleaned up. */
function untilAborted(log: string[], name: string, signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => {
      // Cleaning up takes a moment: the caller must hear of the failure only after it.
      setTimeout(() => {
        log.push(`${name} cleaned up`);
        reject(new InterruptedError());
      }, 20);
    });
  });
}

describe('runTogether', () => {
  it('runs every job at once and returns their results in the items order', async () => {
    const finished: string[] = [];
    const results = await runTogether(['slow', 'fast'], new AbortController().signal, async (item) => {
      await new Promise((r) => setTimeout(r, item === 'slow' ? 30 : 1));
      finished.push(item);
      return item.toUpperCase();
    });
    // One after the other, the slow job would have finished first.
    expect(finished).toEqual(['fast', 'slow']);
    expect(results).toEqual(['SLOW', 'FAST']);
  });

  it('stops the other jobs at the first failure, waits for them, then throws that failure', async () => {
    const log: string[] = [];
    const run = runTogether(['x86_64', 'arm64'], new AbortController().signal, async (arch, signal) => {
      if (arch === 'arm64') throw new Error('debootstrap failed');
      return untilAborted(log, arch, signal);
    });
    await expect(run).rejects.toThrow('debootstrap failed');
    expect(log).toEqual(['x86_64 cleaned up']);
  });

  it('passes an abort on to every job and throws InterruptedError once all have stopped', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const run = runTogether(['x86_64', 'arm64'], controller.signal, (arch, signal) =>
      untilAborted(log, arch, signal),
    );
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(log.sort()).toEqual(['arm64 cleaned up', 'x86_64 cleaned up']);
  });
});

describe('settledInOrder', () => {
  const after = <T>(ms: number, outcome: () => T): Promise<T> =>
    new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(outcome());
        } catch (error) {
          reject(error as Error);
        }
      }, ms),
    );

  it('returns the values in order, whichever settles first', async () => {
    await expect(settledInOrder([after(20, () => 'a'), after(0, () => 'b')])).resolves.toEqual(['a', 'b']);
  });

  it('throws the failure first in order, not the first to happen', async () => {
    const settled: string[] = [];
    const first = after(30, () => {
      settled.push('first');
      throw new Error('first in order');
    });
    const second = after(0, () => {
      settled.push('second');
      throw new Error('first in time');
    });
    const third = after(15, () => settled.push('third'));
    await expect(settledInOrder([first, second, third])).rejects.toThrow('first in order');
    // Nothing is still running when the caller hears of it.
    expect(settled).toEqual(['second', 'third', 'first']);
  });
});
