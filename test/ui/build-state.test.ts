import { describe, expect, it } from 'vitest';
import type { LayerforgeEvent } from '../../src/core/events.js';
import { openSteps } from '../../src/ui/app/BuildView.js';
import { LOG_TAIL, initialBuildState, reduceBuild, type BuildState } from '../../src/ui/app/build-state.js';

function fold(events: LayerforgeEvent[], at = 1_000): BuildState {
  return events.reduce(
    (state, event) => reduceBuild(state, { kind: 'event', event, at }),
    reduceBuild(initialBuildState(), { kind: 'start' }),
  );
}

describe('reduceBuild', () => {
  it('tracks each step from start to end, with the start time, the core’s ms and detail', () => {
    const state = fold([
      { type: 'build.step.start', step: 'resolve' },
      { type: 'build.step.end', step: 'resolve', status: 'ok', ms: 83, detail: 'hello@1.0.0' },
      { type: 'build.step.start', step: 'base-image' },
    ]);
    expect(state.phase).toBe('running');
    expect(state.steps.find((s) => s.step === 'resolve')).toEqual({
      step: 'resolve',
      status: 'ok',
      startedAt: 1_000,
      ms: 83,
      detail: 'hello@1.0.0',
    });
    expect(state.steps.find((s) => s.step === 'base-image')).toEqual({
      step: 'base-image',
      status: 'running',
      startedAt: 1_000,
    });
    expect(state.finished.map((s) => s.step)).toEqual(['resolve']);
  });

  it('keeps only the last lines of the log, splitting multi-line events, and counts them all', () => {
    const events: LayerforgeEvent[] = [{ type: 'build.log', line: 'a\nb', source: 'container' }];
    for (let i = 0; i < 15; i++) events.push({ type: 'build.log', line: `line ${i}`, source: 'container' });
    const state = fold(events);
    expect(state.logLines).toBe(17);
    expect(state.log).toHaveLength(LOG_TAIL);
    expect(state.log[0]).toBe('line 5');
    expect(state.log.at(-1)).toBe('line 14');
  });

  it('sums what pruning saved, without reverted rules; records audit, tests, warnings and the zip', () => {
    const state = fold([
      { type: 'prune.rule', rule: 'a', bytesSaved: 100, reverted: false },
      { type: 'prune.rule', rule: 'b', bytesSaved: 50, reverted: true },
      { type: 'audit.done', errors: 0, warnings: 2, filesChecked: 9, ms: 3 },
      { type: 'test.result', command: 'hello', ok: true, output: '' },
      { type: 'warning', code: 'x', message: 'careful' },
      { type: 'build.done', zipPath: '/d/x.zip', manifestPath: '/d/x.manifest.json', cached: false },
    ]);
    expect(state.prunedBytes).toBe(100);
    expect(state.audit).toEqual({ errors: 0, warnings: 2, filesChecked: 9 });
    expect(state.tests).toEqual([{ command: 'hello', ok: true }]);
    expect(state.warnings).toEqual(['careful']);
    expect(state.done).toEqual({ zipPath: '/d/x.zip', manifestPath: '/d/x.manifest.json', cached: false });
  });

  it('cancelling only applies to a running build', () => {
    const running = fold([]);
    expect(reduceBuild(running, { kind: 'cancelling' }).phase).toBe('cancelling');
    const failed = reduceBuild(running, {
      kind: 'failed',
      failure: { message: 'x', exitCode: 1, details: [] },
    });
    expect(reduceBuild(failed, { kind: 'cancelling' }).phase).toBe('failed');
  });
});

describe('openSteps', () => {
  it('lists the running step and those still to come, not steps the core skipped past', () => {
    const state = fold([
      { type: 'build.step.start', step: 'resolve' },
      { type: 'build.step.end', step: 'resolve', status: 'ok', ms: 1 },
      // base-image never reported: a later step started, so it is not coming.
      { type: 'build.step.start', step: 'build' },
    ]);
    expect(openSteps(state, false).map((s) => s.step)).toEqual(['build', 'extract', 'prune', 'audit', 'zip']);
    expect(openSteps(state, true).map((s) => s.step)).toEqual([
      'build',
      'extract',
      'prune',
      'audit',
      'zip',
      'test',
    ]);
  });
});
