// `layerforge invoke` argument handling, in-process: everything here fails before a container
// could start, so no engine is needed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/commands/command.js';
import { invokeOptions, invokeOptionsFrom, readEvent } from '../../../src/commands/invoke.js';
import { optionValues } from '../../../src/commands/options.js';
import { RIE_MODULE, RIE_VERSION } from '../../../src/core/invoke/emulator.js';
import { runLayerforge } from '../../support/run-cli.js';
import { tempDir } from '../../support/temp-dir.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'functions');
let cwd = '';
// No emulator anywhere: PATH and HOME point at empty folders.
let env: NodeJS.ProcessEnv = {};
beforeEach(async () => {
  cwd = await tempDir('layerforge-invoke-args-');
  env = { PATH: join(cwd, 'empty'), HOME: cwd, LAYERFORGE_RIE: '', GOPATH: '', GOBIN: '' };
  await writeFile(join(cwd, 'event.json'), '{"name": "args"}');
});

const fn = join(fixtures, 'py-layer');
const invoke = (...args: string[]) => runLayerforge(['invoke', ...args], { cwd, env });

describe('layerforge invoke: bad usage exits 2 with a hint', () => {
  it.each([
    [
      ['--runtime', 'python3.11', '--event', 'event.json'],
      'error: which handler?\nhint: give --handler module.function, e.g. --handler app.handler',
    ],
    [['--handler', 'app.handler', '--event', 'event.json'], 'error: which runtime?'],
    [
      ['--handler', 'app.handler', '--runtime', 'python3.11'],
      'error: which event?\nhint: give --event event.json, or --event - to read it from standard input',
    ],
    [
      ['--handler', 'app.handler', '--runtime', 'python3.11', '--event', 'missing.json'],
      `error: cannot read the event ${'CWD'}/missing.json: ENOENT`,
    ],
    [
      ['--handler', 'handler', '--runtime', 'python3.11', '--event', 'event.json'],
      'error: handler "handler" is not of the form module.function',
    ],
    [
      ['--handler', 'app.handler', '--runtime', 'python9', '--event', 'event.json'],
      'error: unknown Lambda runtime "python9"',
    ],
    [
      ['--handler', 'app.handler', '--runtime', 'python3.11', '--event', 'event.json', '--arch', 'sparc'],
      'error: unknown architecture "sparc"',
    ],
    [
      ['--handler', 'app.handler', '--runtime', 'python3.11', '--event', 'event.json', '--repeat', '0'],
      'error: --repeat must be a whole number ≥ 1, got "0"',
    ],
  ])('%j', async (args, expected) => {
    const result = await invoke(fn, ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(expected.replace('CWD', cwd));
  });

  it('an event that is not JSON', async () => {
    await writeFile(join(cwd, 'bad.json'), '{"name": ');
    const result = await invoke(
      fn,
      '--handler',
      'app.handler',
      '--runtime',
      'python3.11',
      '--event',
      'bad.json',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: the event is not valid JSON: /);
  });

  it('a missing emulator: the exact command that installs it', async () => {
    const result = await invoke(
      fn,
      '--handler',
      'app.handler',
      '--runtime',
      'python3.11',
      '--event',
      'event.json',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: AWS's Lambda Runtime Interface Emulator (aws-lambda-rie) for x86_64 was not found\n" +
        `hint: install it with \`CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go install ${RIE_MODULE}@${RIE_VERSION}\`, or pass its path with --rie or LAYERFORGE_RIE\n`,
    );
  });

  it('--help names every flag', async () => {
    const result = await invoke('--help');
    expect(result.code).toBe(0);
    for (const flag of [
      '--handler',
      '--runtime',
      '--layer',
      '--event',
      '--arch',
      '--base',
      '--rie',
      '--network',
      '--repeat',
      '--timeout',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });
});

describe('invokeOptionsFrom', () => {
  const ctx = (): CommandContext =>
    ({
      cwd,
      env: { LAYERFORGE_BASE: 'debian12' },
      json: false,
      isTTY: false,
      signal: new AbortController().signal,
    }) as unknown as CommandContext;

  it('keeps --layer values in the order given (the order layers land in /opt), commas and all', async () => {
    const options = await invokeOptionsFrom(
      fn,
      // As commander parses them: repeated flags collected, the count still text.
      optionValues(invokeOptions, {
        handler: 'app.handler',
        runtime: 'python3.11',
        event: 'event.json',
        layer: ['hello', 'dist/a,b.zip', 'jq'],
        repeat: '3',
        network: true,
      }),
      ctx(),
    );
    expect(options).toMatchObject({
      functionDir: fn,
      handler: 'app.handler',
      runtime: 'python3.11',
      layers: ['hello', 'dist/a,b.zip', 'jq'],
      event: '{"name": "args"}',
      base: 'debian12',
      network: true,
      repeat: 3,
    });
  });

  it('reads the event from standard input for -', async () => {
    const options = await invokeOptionsFrom(
      fn,
      optionValues(invokeOptions, { handler: 'app.handler', runtime: 'python3.11', event: '-' }),
      ctx(),
      Readable.from([Buffer.from('{"from": '), '"stdin"}']),
    );
    expect(options.event).toBe('{"from": "stdin"}');
    expect(await readEvent('-', cwd, Readable.from([]))).toBe('');
  });
});
