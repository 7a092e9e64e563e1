// --quiet drops progress and keeps results, warnings and failures, for every member of the union.
import { describe, expect, it } from 'vitest';
import type { EventType, LayerforgeEvent } from '../../src/core/events.js';
import { isProgress, quietSink } from '../../src/ui/quiet.js';
import { EVENT_SAMPLES } from '../support/event-samples.js';

const RESULTS: EventType[] = [
  'build.result',
  'matrix.summary',
  'publish.summary',
  'invoke.result',
  'base.built',
  'warning',
];

describe('--quiet', () => {
  it.each(Object.values(EVENT_SAMPLES).map((event) => [event.type, event] as const))(
    'places %s on one side',
    (type, event) => {
      expect(isProgress(event)).toBe(!RESULTS.includes(type) && !failed(event));
    },
  );

  it('keeps what failed, drops the same event when it went well', () => {
    const kept: LayerforgeEvent[] = [
      { type: 'build.step.end', step: 'audit', status: 'failed', ms: 1 },
      { type: 'test.result', command: 'x', ok: false, output: 'boom' },
      { type: 'publish.region.done', region: 'eu-west-1', layerName: 'x', ok: false, error: 'e' },
      { type: 'matrix.cell.done', cell: 'x/y/z', status: 'failed', ms: 1, error: 'e' },
      {
        type: 'invoke.response',
        invocation: 1,
        statusCode: 200,
        payload: '{}',
        functionError: { errorType: 'E', errorMessage: 'm' },
      },
      {
        type: 'audit.finding',
        finding: { severity: 'warning', code: 'missing-library', file: 'f', reason: 'r', hint: 'h' },
      },
    ];
    const seen: LayerforgeEvent[] = [];
    const sink = quietSink((event) => seen.push(event));
    for (const event of kept) sink(event);
    sink({ type: 'build.step.end', step: 'audit', status: 'ok', ms: 1 });
    sink({ type: 'test.result', command: 'x', ok: true, output: '' });
    sink({ type: 'build.log', line: 'Collecting six', source: 'container' });
    expect(seen).toEqual(kept);
  });
});

/** The samples that describe a failure (the rest describe progress or success). */
function failed(event: LayerforgeEvent): boolean {
  switch (event.type) {
    case 'build.step.end':
    case 'matrix.cell.done':
      return event.status === 'failed';
    case 'publish.region.done':
    case 'test.result':
      return !event.ok;
    case 'audit.finding':
      return event.finding.severity !== 'info';
    default:
      return false;
  }
}
