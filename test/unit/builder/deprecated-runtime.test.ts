// Building for a deprecated runtime warns, with the date and the runtime to move to, and goes on.
import { describe, expect, it } from 'vitest';
import { buildLayer } from '../../../src/core/builder/build-layer.js';
import type { ContainerEngine } from '../../../src/core/engine/container-engine.js';
import { recordEvents } from '../../../src/core/events.js';
import { testJob } from '../../support/job-context.js';

/** Stops the build at its first engine call: the warning comes before any container work. */
const noEngine = {
  ping: () => Promise.reject(new Error('no engine in this test')),
} as unknown as ContainerEngine;

async function warningsFor(runtime: string, now: string) {
  const { sink, events } = recordEvents();
  await expect(
    buildLayer(
      { recipe: 'hello', runtime, base: 'lambda', now: new Date(now) },
      testJob({ sink, engine: noEngine }),
    ),
  ).rejects.toThrow('no engine in this test');
  return events.filter((e) => e.type === 'warning');
}

describe('building for a deprecated runtime', () => {
  it('warns with the deprecation date and the newest runtime of the family, then builds on', async () => {
    expect(await warningsFor('provided.al2', '2026-12-01T12:00:00Z')).toEqual([
      expect.objectContaining({
        type: 'warning',
        code: 'deprecated-runtime',
        runtime: 'provided.al2',
        status: 'deprecated',
        deprecatedOn: '2026-07-31',
        moveTo: 'provided.al2023',
      }),
    ]);
  });

  it('only warns, even once Lambda blocks creating functions on it', async () => {
    expect(await warningsFor('python3.11', '2027-08-01T00:00:00Z')).toEqual([
      expect.objectContaining({ code: 'deprecated-runtime', status: 'create-blocked', moveTo: 'python3.14' }),
    ]);
  });

  it('says nothing for a supported runtime', async () => {
    expect(await warningsFor('provided.al2023', '2026-12-01T12:00:00Z')).toEqual([]);
  });
});
