import type { ContainerEngine } from '../../src/core/engine/container-engine.js';
import { ignoreEvents } from '../../src/core/events.js';
import type { JobContext } from '../../src/core/job-context.js';
import { Redactor } from '../../src/core/redact.js';

/**
 * A job for tests that call the core directly: a fixed folder and environment (never the
 * process's), the given engine fake, and no AWS unless a test provides it.
 */
export function testJob(
  init: Partial<Omit<JobContext, 'engine'>> & { engine?: ContainerEngine } = {},
): JobContext {
  const { engine, ...rest } = init;
  return {
    cwd: process.cwd(),
    env: {},
    sink: ignoreEvents,
    signal: new AbortController().signal,
    redactor: new Redactor(),
    engine: () =>
      engine ? Promise.resolve(engine) : Promise.reject(new Error('this test gave the job no engine')),
    dockerEndpoint: () => Promise.reject(new Error('this test gave the job no Docker endpoint')),
    aws: () => Promise.reject(new Error('this test gave the job no AWS clients')),
    ...rest,
  };
}
