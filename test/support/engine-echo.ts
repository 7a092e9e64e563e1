import { expect } from 'vitest';
import { loadBaseImage } from '../../src/core/base-images/definition.js';
import { resolveBase } from '../../src/core/base-images/resolve.js';
import type { ContainerEngine } from '../../src/core/engine/container-engine.js';
import { getRuntime } from '../../src/core/runtimes/catalog.js';
import { containersWithLabel } from './docker.js';

/**
 * Runs `echo` in the debian12 runtime image through `engine` and removes the container: create,
 * attach (a hijacked stream), start, wait and remove, each over the engine's transport.
 */
export async function echoThrough(engine: ContainerEngine, text: string, purpose: string): Promise<void> {
  const image = (await resolveBase(await loadBaseImage('debian12'), getRuntime('python3.11'), 'x86_64'))
    .runtimeImage;
  const label = `${purpose}-${process.pid}`;
  const lines: string[] = [];
  const run = await engine.runContainer(
    { image, command: ['echo', text], env: {}, labels: { 'layerforge.test': label }, network: 'none' },
    (line) => lines.push(line),
  );
  expect(run.exitCode).toBe(0);
  expect(lines).toContain(text);
  await engine.removeContainer(run.id);
  expect(containersWithLabel(`layerforge.test=${label}`)).toEqual([]);
}
