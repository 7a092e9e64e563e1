// The engine client is asked for while the recipe resolves, but its errors come second: bad
// input is reported as bad input (exit 2) whatever the state of the engine.
import { describe, expect, it } from 'vitest';
import { buildLayer } from '../../../src/core/builder/build-layer.js';
import { UserError } from '../../../src/core/errors.js';
import { recordEvents } from '../../../src/core/events.js';
import { testJob } from '../../support/job-context.js';

function unreachableEngineJob(sink = recordEvents().sink) {
  const job = testJob({ sink });
  let asked = 0;
  job.engine = () => {
    asked += 1;
    return Promise.reject(new UserError('cannot reach the Docker engine', { hint: 'start it' }));
  };
  return { job, asked: () => asked };
}

describe('the engine client and the recipe, resolved side by side', () => {
  it('reports a recipe that does not exist, not the engine that cannot be reached', async () => {
    const { job, asked } = unreachableEngineJob();
    await expect(buildLayer({ recipe: 'no-such-recipe', base: 'lambda' }, job)).rejects.toThrow(
      'no recipe named "no-such-recipe"',
    );
    expect(asked()).toBe(1);
  });

  it('reports the engine once the recipe has resolved', async () => {
    const { sink, events } = recordEvents();
    const { job } = unreachableEngineJob(sink);
    await expect(buildLayer({ recipe: 'hello', base: 'lambda' }, job)).rejects.toThrow(
      'cannot reach the Docker engine',
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'build.step.end', step: 'resolve', status: 'ok' }),
    );
    expect(events.some((e) => e.type === 'build.step.start' && e.step === 'base-image')).toBe(false);
  });
});
