// The CLI's contract for errors and help: exit codes 0/1/2, `error:` + `hint:` lines, no stack
// unless --debug, and output that ends with a newline so the shell prompt starts on its own line.
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { commandLoaders } from '../../src/commands/registry.js';
import { layerforgeVersion } from '../../src/core/version.js';
import { tempDir } from '../support/temp-dir.js';
import { runLayerforge } from './cli-harness.js';

let cwd = '';
beforeEach(async () => {
  cwd = await tempDir();
});

// Only what a user sees: the exit code and the two streams.
const run = async (...argv: string[]) => {
  const { code, stdout, stderr } = await runLayerforge(argv, { cwd });
  return { code, stdout, stderr };
};

describe('bad usage exits 2 with an error line and a hint line', () => {
  it('unknown command', async () => {
    const result = await run('frobnicate');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'frobnicate'\nhint: run `layerforge --help` to see the commands\n",
    });
  });

  it('misspelt command: the suggestion becomes the hint', async () => {
    const result = await run('lst');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'lst'\nhint: did you mean list?\n");
  });

  it('unknown option', async () => {
    const result = await run('list', '--bogus');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: unknown option '--bogus'\nhint: run `layerforge list --help` for usage\n",
    );
  });

  it('misspelt option', async () => {
    const result = await run('list', '--jsn');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown option '--jsn'\nhint: did you mean --json?\n");
  });

  it('missing and extra arguments', async () => {
    expect(await run('show')).toMatchObject({
      code: 2,
      stderr: "error: missing required argument 'recipe'\nhint: run `layerforge show --help` for usage\n",
    });
    const extra = await run('show', 'hello', 'world');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(
      /^error: too many arguments for 'show'\. .*\nhint: run `layerforge show --help` for usage\n$/,
    );
  });

  it('no command at all: the help on stderr', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: layerforge \[options\] \[command\]\n/);
    expect(result.stderr.endsWith('\n')).toBe(true);
  });
});

describe('help and version exit 0 on stdout', () => {
  it('--version prints the version alone', async () => {
    expect(await run('--version')).toEqual({ code: 0, stdout: `${layerforgeVersion}\n`, stderr: '' });
  });

  it('--help lists every command, documents exit codes, and ends with a newline', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const name of Object.keys(commandLoaders))
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 the job failed');
    expect(result.stdout.endsWith('interrupted.\n')).toBe(true);
  });

  it.each(Object.keys(commandLoaders))('%s --help shows its usage', async (name) => {
    const result = await run(name, '--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: layerforge ${name}\\b`));
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.endsWith('\n\n')).toBe(false);
  });

  it('help <command> works like <command> --help', async () => {
    const viaHelp = await run('help', 'show');
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await run('show', '--help')).stdout);
  });
});

describe('errors the user can act on', () => {
  it('prints error: and hint: lines and no stack', async () => {
    const result = await run('show', 'no-such-recipe');
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('error: no recipe named "no-such-recipe"');
    expect(lines[lines.length - 1]).toMatch(/^hint: /);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('internal errors exit 1', () => {
  // A write that fails is not a UserError: it stands in for any bug in layerforge.
  const brokenStdout = async (argv: string[]) => {
    let stderr = '';
    const code = await runCli(argv, {
      stdout: {
        write: () => {
          throw new TypeError('stdout went away');
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      cwd,
      isTTY: false,
      signal: new AbortController().signal,
    });
    return { code, stderr };
  };

  it('says to run again with --debug, without a stack', async () => {
    const { code, stderr } = await brokenStdout(['list']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'internal error: stdout went away\nhint: run again with --debug for the stack trace, and report it\n',
    );
  });

  it('shows the stack under --debug', async () => {
    const { code, stderr } = await brokenStdout(['list', '--debug']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^internal error: stdout went away\nTypeError: stdout went away\n\s+at /);
  });
});
