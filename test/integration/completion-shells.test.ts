import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLayerforge } from '../cli/cli-harness.js';
import { sharedTempDir } from '../support/temp-dir.js';

// The zsh and fish scripts in the real shells (Debian's zsh and fish packages; .ci/run installs
// them): each parses, loads, and fish, which can complete a command line without a terminal,
// completes as bash does.

let cwd = '';
const scripts: Record<string, string> = {};
const shared = sharedTempDir();
beforeAll(async () => {
  cwd = shared.path;
  for (const shell of ['zsh', 'fish']) {
    const run = await runLayerforge(['completion', shell], { cwd });
    expect(run.code, run.stderr).toBe(0);
    scripts[shell] = join(cwd, `layerforge.${shell}`);
    await writeFile(scripts[shell] ?? '', run.stdout);
  }
});

const shell = (program: string, args: string[]) =>
  execFileSync(program, args, { encoding: 'utf8', cwd, env: { PATH: process.env.PATH, HOME: cwd } });

describe('completion scripts in zsh and fish', () => {
  it('zsh parses the script and registers it with compinit', () => {
    expect(shell('zsh', ['-n', scripts.zsh ?? ''])).toBe('');
    const loaded = shell('zsh', [
      '-f',
      '-c',
      `autoload -U compinit; compinit -u -d "$1/.zcompdump"; source "$2"; print -r -- $_comps[layerforge]; whence -w _layerforge_versions_delete`,
      'zsh',
      cwd,
      scripts.zsh ?? '',
    ]);
    expect(loaded.split('\n')).toEqual(['_layerforge', '_layerforge_versions_delete: function', '']);
  });

  it('fish parses the script and completes `layerforge bu` and `layerforge build --ru`', () => {
    expect(shell('fish', ['-n', scripts.fish ?? ''])).toBe('');
    const complete = (line: string) =>
      shell('fish', ['--no-config', '-c', `source $argv[1]; complete -C$argv[2]`, scripts.fish ?? '', line])
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split('\t')[0]);
    expect(complete('layerforge bu')).toEqual(['build']);
    expect(complete('layerforge build --ru')).toEqual(['--runtime']);
    expect(complete('layerforge base build --a')).toEqual(['--arch']);
    expect(complete('layerforge build --pull ').sort()).toEqual(['always', 'missing', 'never']);
  });
});
