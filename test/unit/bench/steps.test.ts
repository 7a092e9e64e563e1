import { describe, expect, it } from 'vitest';
import { medianSteps, stepTimes } from '../../../bench/steps.js';
import type { LayerforgeEvent } from '../../../src/core/events.js';

const end = (step: 'resolve' | 'build' | 'prune' | 'zip', ms: number): LayerforgeEvent => ({
  type: 'build.step.end',
  step,
  status: 'ok',
  ms,
});

describe('stepTimes', () => {
  it('reads build.step.end events in build order, summing a step that ran twice', () => {
    const events: LayerforgeEvent[] = [
      { type: 'build.step.start', step: 'zip' },
      end('zip', 40),
      end('resolve', 5),
      { type: 'build.log', line: 'pip …', source: 'container' },
      end('prune', 10),
      end('prune', 15),
      { type: 'build.done', zipPath: '/z', manifestPath: '/m', cached: false },
    ];
    expect(stepTimes(events)).toEqual([
      { step: 'resolve', ms: 5 },
      { step: 'prune', ms: 25 },
      { step: 'zip', ms: 40 },
    ]);
  });

  it('is empty without step events', () => {
    expect(stepTimes([{ type: 'build.cache', hit: true, key: 'k' }])).toEqual([]);
  });
});

describe('medianSteps', () => {
  it('takes each step’s median and leaves the rest of the wall time as other', () => {
    const runs = [
      stepTimes([end('build', 1000), end('zip', 300)]),
      stepTimes([end('build', 3000), end('zip', 100)]),
    ];
    expect(medianSteps(runs, [3, 5])).toEqual([
      { step: 'build', ms: 2000 },
      { step: 'zip', ms: 200 },
      { step: 'other', ms: 1800 },
    ]);
  });

  it('counts a step missing from a run as zero there', () => {
    const runs = [stepTimes([end('build', 1000)]), stepTimes([end('build', 1000), end('prune', 400)])];
    expect(medianSteps(runs, [])).toEqual([
      { step: 'build', ms: 1000 },
      { step: 'prune', ms: 200 },
    ]);
  });
});
