import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LABELS } from '../../../src/core/engine/container-engine.js';
import { removeLeftoverContainers } from '../../../src/core/engine/leftovers.js';
import { FakeEngine } from '../../support/fake-engine.js';

/** The pid of a process that has exited and been reaped: nothing answers on it. */
function deadPid(): number {
  const child = spawnSync('true');
  if (child.pid === undefined || child.status !== 0) throw new Error('could not run `true`');
  return child.pid;
}

function labels(pid: string, host = hostname()): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.pid]: pid, [LABELS.host]: host };
}

describe('removeLeftoverContainers', () => {
  it('removes containers of a dead layerforge process on this host', async () => {
    const engine = new FakeEngine();
    const pid = deadPid();
    const left = engine.addContainer(labels(String(pid)));
    expect(await removeLeftoverContainers(engine)).toEqual([left]);
    expect(engine.removed).toEqual([left]);
    expect(engine.containers.has(left)).toBe(false);
  });

  it('keeps containers of a process that is still running', async () => {
    const engine = new FakeEngine();
    const running = engine.addContainer(labels(String(process.pid)));
    expect(await removeLeftoverContainers(engine)).toEqual([]);
    expect(engine.containers.has(running)).toBe(true);
  });

  it('keeps containers started from another host, even when the pid is dead here', async () => {
    const engine = new FakeEngine();
    const other = engine.addContainer(labels(String(deadPid()), `not-${hostname()}`));
    expect(await removeLeftoverContainers(engine)).toEqual([]);
    expect(engine.containers.has(other)).toBe(true);
  });

  it('keeps containers whose pid label is missing or not a number', async () => {
    const engine = new FakeEngine();
    const garbled = engine.addContainer(labels('abc'));
    const { [LABELS.pid]: _pid, ...withoutPid } = labels('1');
    const unlabelled = engine.addContainer(withoutPid);
    expect(await removeLeftoverContainers(engine)).toEqual([]);
    expect([...engine.containers.keys()]).toEqual([garbled, unlabelled]);
  });

  it('only looks at containers layerforge manages', async () => {
    const engine = new FakeEngine();
    const foreign = engine.addContainer({ [LABELS.pid]: String(deadPid()), [LABELS.host]: hostname() });
    const ours = engine.addContainer(labels(String(deadPid())));
    expect(await removeLeftoverContainers(engine)).toEqual([ours]);
    expect(engine.containers.has(foreign)).toBe(true);
  });
});
