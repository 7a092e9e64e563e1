import { loadConfig, userRecipeDirs } from '../core/config.js';
import type { CommandContext, OptionSpec } from './command.js';
import { listOption } from './command.js';

export const recipesOption: OptionSpec = {
  flags: '--recipes <dir>',
  description:
    'an extra recipe folder, searched before the bundled ones; repeatable (also $LAYERFORGE_RECIPES and recipeDirs in layerforge.config.yaml)',
  repeatable: true,
};

/**
 * The user's recipe folders, in search order: `--recipes` flags, $LAYERFORGE_RECIPES, then
 * `recipeDirs` from layerforge.config.yaml in the working directory.
 */
export async function recipeDirsFrom(
  options: Record<string, unknown>,
  ctx: CommandContext,
): Promise<string[]> {
  const config = await loadConfig(ctx.cwd);
  return userRecipeDirs(listOption(options, 'recipes'), config, ctx.env, ctx.cwd);
}
