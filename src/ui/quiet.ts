import { assertNever } from '../core/errors.js';
import type { EventSink, LayerforgeEvent } from '../core/events.js';

/**
 * Whether `--quiet` drops this event: progress (steps, logs, sizes, retries) goes; results,
 * warnings and what failed stay. The switch is exhaustive, so a new event type must be placed
 * on one side or the other before it compiles.
 */
export function isProgress(event: LayerforgeEvent): boolean {
  switch (event.type) {
    case 'build.step.start':
    case 'build.log':
    case 'build.cache':
    case 'build.done':
    case 'cache.remote.hit':
    case 'cache.remote.miss':
    case 'cache.remote.upload':
    case 'size.measured':
    case 'audit.done':
    case 'prune.rule':
    case 'publish.region.start':
    case 'publish.upload':
    case 'publish.retry':
    case 'publish.permission':
    case 'matrix.cell.start':
    case 'invoke.log':
    case 'invoke.report':
    case 'info':
      return true;
    case 'build.step.end':
      return event.status !== 'failed';
    case 'audit.finding':
      return event.finding.severity === 'info';
    case 'test.result':
      return event.ok;
    case 'publish.region.done':
      return event.ok;
    case 'matrix.cell.done':
      return event.status !== 'failed';
    case 'invoke.response':
      return event.functionError === undefined;
    case 'build.result':
    case 'matrix.summary':
    case 'publish.summary':
    case 'invoke.result':
    case 'base.built':
    case 'warning':
      return false;
    default:
      return assertNever(event);
  }
}

/** `--quiet`: passes on only what is not progress (see `isProgress`). */
export function quietSink(sink: EventSink): EventSink {
  return (event) => {
    if (!isProgress(event)) sink(event);
  };
}
