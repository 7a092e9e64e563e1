import { listRecipes } from '../core/recipes/catalog.js';
import { formatTable } from '../ui/format.js';
import { defineCommand } from './command.js';
import { recipeDirsFrom, recipesOption } from './shared-options.js';

export const command = defineCommand({
  name: 'list',
  summary: 'list the recipes: name, version, runtimes, architectures, summary',
  options: [recipesOption],
  async run(_args, options, ctx) {
    const { recipes, invalid } = await listRecipes(await recipeDirsFrom(options, ctx), ctx.cwd);
    const rows = recipes.map(({ recipe, dir }) => ({
      name: recipe.name,
      version: recipe.version,
      summary: recipe.summary,
      runtimes: recipe.runtimes,
      architectures: recipe.architectures,
      license: recipe.license,
      dir,
    }));
    if (ctx.json) {
      ctx.printJson({ recipes: rows, invalid: invalid.map((i) => ({ dir: i.dir, error: i.error.message })) });
    } else {
      ctx.print(
        formatTable([
          ['NAME', 'VERSION', 'RUNTIMES', 'ARCH', 'SUMMARY'],
          ...rows.map((r) => [r.name, r.version, r.runtimes.join(','), r.architectures.join(','), r.summary]),
        ]),
      );
      for (const i of invalid) ctx.stderr.write(`warning: skipped invalid recipe: ${i.error.message}\n`);
    }
    return invalid.length > 0 ? 1 : 0;
  },
});
