// Where zips go: --out, then outDir in layerforge.config.yaml, then dist. A default on the flag
// used to win over the config file every time.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildOptions, buildOptionsFrom } from '../../src/commands/build-options.js';
import type { CommandContext } from '../../src/commands/command.js';
import { invokeOptions, invokeOptionsFrom } from '../../src/commands/invoke.js';
import { optionValues } from '../../src/commands/options.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir('layerforge-out-dir-');
  await writeFile(join(cwd, 'event.json'), '{}');
});

const ctx = (): CommandContext =>
  ({
    cwd,
    env: {},
    json: false,
    isTTY: false,
    signal: new AbortController().signal,
  }) as unknown as CommandContext;
const config = (text: string) => writeFile(join(cwd, 'layerforge.config.yaml'), text);

/** The folder `build` would write to, from flags as commander parses them. */
const buildOut = async (parsed: Record<string, unknown>) =>
  (await buildOptionsFrom('hello', optionValues(buildOptions, parsed), ctx())).outDir;
const invokeOut = async (parsed: Record<string, unknown>) =>
  (
    await invokeOptionsFrom(
      cwd,
      optionValues(invokeOptions, {
        handler: 'app.handler',
        runtime: 'python3.11',
        event: 'event.json',
        ...parsed,
      }),
      ctx(),
    )
  ).outDir;

describe.each([
  ['build', buildOut],
  ['invoke', invokeOut],
])('%s: where layers go', (_name, outDir) => {
  it('nothing set: left to the core, which writes to dist', async () => {
    expect(await outDir({})).toBeUndefined();
  });

  it('outDir in layerforge.config.yaml', async () => {
    await config('outDir: layers\n');
    expect(await outDir({})).toBe('layers');
  });

  it('--out beats the config file', async () => {
    await config('outDir: layers\n');
    expect(await outDir({ out: 'elsewhere' })).toBe('elsewhere');
  });
});

describe('the outDir from the config file is checked like --out', () => {
  it('a file there is refused, naming the config key', async () => {
    await config('outDir: notes.txt\n');
    await writeFile(join(cwd, 'notes.txt'), 'not a folder');
    const run = await runLayerforge(['build', 'hello'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: outDir in layerforge\.config\.yaml notes\.txt is a file, not a folder\n/,
    );
  });

  it('help still names dist as the default', async () => {
    const help = await runLayerforge(['build', '--help'], { cwd });
    expect(help.stdout).toMatch(
      /--out <dir>\s+folder for the zip and manifest\s+\(default:\s+outDir\s+in\s+layerforge\.config\.yaml, else\s+dist\)/,
    );
  });
});
