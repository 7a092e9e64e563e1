import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { isCI, whyNotInteractive } from '../../src/ui/interactive.js';

async function run(argv: string[], facts: { isTTY: boolean; env?: NodeJS.ProcessEnv }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: facts.env ?? {},
    cwd: process.cwd(),
    isTTY: facts.isTTY,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe('layerforge pick without a terminal', () => {
  it('exits 2 and points at `layerforge build <recipe>` when stdout is not a terminal', async () => {
    const { code, stdout, stderr } = await run(['pick'], { isTTY: false });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'error: the picker needs an interactive terminal (stdin and stdout are not both a terminal)',
    );
    expect(stderr).toContain('hint: run `layerforge build <recipe>` instead');
  });

  it('exits 2 in CI even on a terminal', async () => {
    const { code, stderr } = await run(['pick'], { isTTY: true, env: { CI: 'true' } });
    expect(code).toBe(2);
    expect(stderr).toContain('(CI is set)');
  });

  it('exits 2 with --json even on a terminal', async () => {
    const { code, stderr } = await run(['pick', '--json'], { isTTY: true });
    expect(code).toBe(2);
    expect(stderr).toContain('(--json was given)');
  });

  it('is listed in the help with its keys', async () => {
    const { code, stdout } = await run(['pick', '--help'], { isTTY: false });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: layerforge pick');
    expect(stdout).toContain('Ctrl-C cancels cleanly (exit 130)');
  });
});

describe('layerforge with no arguments', () => {
  it('without a terminal prints the help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await run([], { isTTY: false });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: layerforge');
    expect(stderr).toContain('pick');
    expect(stderr).toContain(
      'error: no command given (and no terminal for the picker: stdin and stdout are not both a terminal)',
    );
    expect(stderr).toContain('alone opens the recipe picker');
  });

  it('in CI prints the help and exits 2 too', async () => {
    const { code, stderr } = await run([], { isTTY: true, env: { CI: '1' } });
    expect(code).toBe(2);
    expect(stderr).toContain('no terminal for the picker: CI is set');
  });
});

describe('whyNotInteractive', () => {
  it('allows a terminal outside CI without --json', () => {
    expect(whyNotInteractive({ isTTY: true, env: {} })).toBeUndefined();
    expect(whyNotInteractive({ isTTY: true, env: { CI: 'false' } })).toBeUndefined();
    expect(whyNotInteractive({ isTTY: true, env: { CI: '0' } })).toBeUndefined();
  });

  it('reads CI as CI services set it', () => {
    for (const value of ['true', '1', 'github-actions']) expect(isCI({ CI: value })).toBe(true);
    for (const value of ['', 'false', '0', undefined]) expect(isCI({ CI: value })).toBe(false);
  });
});
