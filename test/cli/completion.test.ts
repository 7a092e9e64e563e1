import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandLoaders } from '../../src/commands/registry.js';
import { runLayerforge } from './cli-harness.js';
import { sharedTempDir } from '../support/temp-dir.js';

// The bash script, sourced in a real bash, asked as bash asks on <TAB>: COMP_WORDS and COMP_CWORD
// set, the completion function called, COMPREPLY read back. zsh and fish: test/integration.

let cwd = '';
let script = '';
const shared = sharedTempDir();
beforeAll(async () => {
  cwd = shared.path;
  const run = await runLayerforge(['completion', 'bash'], { cwd });
  expect(run.code, run.stderr).toBe(0);
  script = join(cwd, 'layerforge.bash');
  await writeFile(script, run.stdout);
});

/** What bash offers for the words typed so far (the last one is being completed). */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _layerforge; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      script,
    ],
    { encoding: 'utf8', cwd },
  );
  return out.split('\n').filter((l) => l.length > 0);
}

describe('layerforge completion bash', () => {
  it('completes a command name: `layerforge bu<TAB>` → build', () => {
    expect(complete('layerforge', 'bu')).toEqual(['build']);
  });

  it("completes a command's option: `layerforge build --ru<TAB>` → --runtime", () => {
    expect(complete('layerforge', 'build', '--ru')).toEqual(['--runtime']);
  });

  it('completes sub-commands, options after values, and the values of a choice', () => {
    expect(complete('layerforge', 'base', 'b')).toEqual(['build']);
    expect(complete('layerforge', 'versions', 'delete', 'my-layer', '--keep')).toEqual(['--keep-last']);
    expect(complete('layerforge', 'build', '--arch', 'arm64', '--te')).toEqual(['--test']);
    expect(complete('layerforge', 'build', '--pull', '')).toEqual(['missing', 'always', 'never']);
    // `base build` is not `build`: its options are its own.
    expect(complete('layerforge', 'base', 'build', '--')).toEqual([
      '--json',
      '--quiet',
      '--arch',
      '--docker-host',
      '--context',
      '--help',
    ]);
  });

  it('offers every registered command, with nothing written per command', () => {
    expect(complete('layerforge', '').sort()).toEqual(Object.keys(commandLoaders).sort());
  });

  it('offers the options the CLI adds to every command that prints, short forms too', () => {
    expect(complete('layerforge', 'list', '--q')).toEqual(['--quiet']);
    expect(complete('layerforge', 'cache', 'prune', '-')).toContain('-q');
  });

  it('refuses a shell it does not know (bad usage)', async () => {
    const run = await runLayerforge(['completion', 'tcsh'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no completion for "tcsh": choose one of bash, zsh, fish/);
  });
});
