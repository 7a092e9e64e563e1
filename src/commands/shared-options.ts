import { loadConfig, userRecipeDirs } from '../core/config.js';
import type { CommandContext, OptionSpec } from './command.js';
import { listOption } from './command.js';

export const recipesOption: OptionSpec = {
  flags: '--recipes <dir...>',
  description: 'extra recipe folders, searched before the bundled ones (also $LAYERFORGE_RECIPES, layerforge.config.yaml)',
};

/** The user's recipe folders from flags, environment and config. */
export async function recipeDirsFrom(options: Record<string, unknown>, ctx: CommandContext): Promise<string[]> {
  const config = await loadConfig(ctx.cwd);
  return userRecipeDirs(listOption(options, 'recipes'), config, ctx.env, ctx.cwd);
}
