import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/core/errors.js';
import { backoffDelay, sleep } from '../../../src/core/publish/backoff.js';

describe('backoff', () => {
  it('doubles the ceiling per attempt, with full jitter, up to the cap', () => {
    expect(backoffDelay(1, 500, 20_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 20_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(10, 500, 20_000, () => 0.5)).toBe(10_000);
    expect(backoffDelay(2, 500, 20_000, () => 0)).toBe(0);
  });

  it('sleep stops at once when the signal fires', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
    await expect(sleep(1, AbortSignal.abort())).rejects.toBeInstanceOf(InterruptedError);
  });
});
