import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkHandler, runtimeCommand } from '../../../src/core/invoke/runtime-command.js';
import { getRuntime } from '../../../src/core/runtimes/catalog.js';
import { tempDir } from '../../support/temp-dir.js';

let work = '';
let task = '';
let opt = '';
beforeEach(async () => {
  work = await tempDir('layerforge-cmd-');
  task = join(work, 'task');
  opt = join(work, 'opt');
  await mkdir(task);
  await mkdir(opt);
});

async function bootstrap(dir: string, mode: number): Promise<void> {
  await writeFile(join(dir, 'bootstrap'), '#!/bin/sh\n');
  await chmod(join(dir, 'bootstrap'), mode);
}

describe('runtimeCommand: what the emulator starts', () => {
  it("a language runtime's own bootstrap, with the handler", async () => {
    expect(await runtimeCommand(getRuntime('python3.11'), 'app.handler', task, opt)).toEqual([
      '/var/runtime/bootstrap',
      'app.handler',
    ]);
    expect(await runtimeCommand(getRuntime('nodejs20.x'), 'index.handler', task, opt)).toEqual([
      '/var/runtime/bootstrap',
      'index.handler',
    ]);
  });

  it("a custom runtime: the function's bootstrap wins over a layer's", async () => {
    await bootstrap(opt, 0o755);
    expect(await runtimeCommand(getRuntime('provided.al2023'), 'x', task, opt)).toEqual(['/opt/bootstrap']);
    await bootstrap(task, 0o755);
    expect(await runtimeCommand(getRuntime('provided.al2023'), 'x', task, opt)).toEqual([
      '/var/task/bootstrap',
    ]);
  });

  it('a bootstrap the function user cannot execute fails before any container starts', async () => {
    await bootstrap(task, 0o744);
    await expect(runtimeCommand(getRuntime('provided.al2'), 'x', task, opt)).rejects.toThrow(
      '/var/task/bootstrap is not executable by everyone (mode 744); Lambda would fail with Runtime.InvalidEntrypoint',
    );
  });

  it('no bootstrap anywhere', async () => {
    await expect(runtimeCommand(getRuntime('provided.al2023'), 'x', task, opt)).rejects.toThrow(
      /needs a bootstrap: none in the function folder/,
    );
  });
});

describe('checkHandler', () => {
  it.each(['app.handler', 'src/app.handler', 'pkg.module.handler', 'index.$handler'])(
    'accepts %s for python',
    (handler) => {
      expect(() => checkHandler(getRuntime('python3.11'), handler)).not.toThrow();
    },
  );

  it.each(['handler', 'app.', '.handler', 'app handler'])('refuses %s for python and node', (handler) => {
    expect(() => checkHandler(getRuntime('python3.11'), handler)).toThrow(
      /is not of the form module\.function/,
    );
    expect(() => checkHandler(getRuntime('nodejs20.x'), handler)).toThrow(
      /is not of the form module\.function/,
    );
  });

  it('a custom runtime takes any handler, but not an empty one', () => {
    expect(() => checkHandler(getRuntime('provided.al2023'), 'anything goes')).not.toThrow();
    expect(() => checkHandler(getRuntime('provided.al2023'), ' ')).toThrow('--handler is empty');
  });
});
