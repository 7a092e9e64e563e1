import { join, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { scaffoldRecipe } from '../core/recipes/scaffold.js';
import { defineCommand, stringOption } from './command.js';

export const command = defineCommand({
  name: 'init <name>',
  summary: 'scaffold a valid recipe in recipes/<name>/recipe.yaml',
  options: [{ flags: '--dir <dir>', description: 'parent folder for the new recipe', defaultValue: 'recipes' }],
  async run([name = ''], options, ctx) {
    const parent = resolve(ctx.cwd, stringOption(options, 'dir') ?? 'recipes');
    const dir = await scaffoldRecipe(name, parent, join(packageRoot, 'schema', 'recipe.schema.json'));
    if (ctx.json) ctx.printJson({ dir, file: join(dir, 'recipe.yaml') });
    else {
      ctx.print(`created ${join(dir, 'recipe.yaml')}`);
      ctx.print(`next: edit it, then \`layerforge build ${name}${parent === resolve(ctx.cwd, 'recipes') ? ' --recipes recipes' : ` --recipes ${parent}`}\``);
    }
  },
});
