import { hostname } from 'node:os';
import type { ContainerEngine } from './container-engine.js';
import { LABELS } from './container-engine.js';

/** Whether a process of this machine with that id still runs (EPERM: it runs as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes containers left by layerforge runs that were killed (their process is gone).
 * Containers of runs still alive, or started from another host, are left alone.
 */
export async function removeLeftoverContainers(engine: ContainerEngine): Promise<string[]> {
  const removed: string[] = [];
  for (const container of await engine.listContainers({ [LABELS.managed]: 'true' })) {
    const pid = Number(container.labels[LABELS.pid]);
    if (container.labels[LABELS.host] !== hostname() || !Number.isInteger(pid) || isProcessAlive(pid))
      continue;
    await engine.removeContainer(container.id);
    removed.push(container.id);
  }
  return removed;
}
