import { ExitCode, UserError } from '../core/errors.js';
import { defineCommand } from './command.js';
import { completionScript, SHELLS, type Shell } from './completion-scripts.js';
import { completionRoot } from './completion-spec.js';
import { commandLoaders } from './registry.js';

export const command = defineCommand({
  name: 'completion <shell>',
  summary: 'print a shell completion script: bash, zsh or fish',
  json: false,
  help: [
    'Load it in the current shell:',
    '  source <(layerforge completion bash)        # bash',
    '  source <(layerforge completion zsh)         # zsh',
    '  layerforge completion fish | source         # fish',
    'Or install it for every shell:',
    '  layerforge completion bash > ~/.local/share/bash-completion/completions/layerforge',
    '  layerforge completion zsh > "${fpath[1]}/_layerforge"',
    '  layerforge completion fish > ~/.config/fish/completions/layerforge.fish',
  ].join('\n'),
  async run([shell = ''], _options, ctx) {
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new UserError(`no completion for "${shell}": choose one of ${SHELLS.join(', ')}`, {
        hint: 'e.g. `source <(layerforge completion bash)`',
      });
    }
    // Every command, loaded as `layerforge --help` loads them: the script covers all of them.
    const commands = await Promise.all(Object.values(commandLoaders).map((load) => load()));
    ctx.stdout.write(completionScript(shell as Shell, completionRoot(commands)));
    return ExitCode.ok;
  },
});
