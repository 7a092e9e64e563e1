import { ExitCode } from '../core/errors.js';
import { listRecipes } from '../core/recipes/catalog.js';
import { InvalidFileError } from '../core/yaml/invalid-file-error.js';
import { formatTable } from '../ui/format.js';
import { terminalText } from '../ui/terminal-text.js';
import { defineCommand } from './command.js';
import { recipeDirsFrom, recipeOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'list',
  summary: 'list the recipes: name, version, runtimes, architectures, summary',
  help: [
    'Lists the bundled recipes and those in your recipe folders. A recipe of yours with the same',
    'name and version as a bundled one shadows it.',
    '',
    'Exit codes:',
    '  0  every recipe is valid',
    '  2  some recipe is invalid: the valid ones are still listed (stdout), and each invalid one',
    '     is reported on stderr as file:line:col with a hint',
  ].join('\n'),
  options: recipeOptions,
  async run(_args, options, ctx) {
    const { recipes, invalid, shadowed } = await listRecipes(await recipeDirsFrom(options, ctx), ctx.cwd);
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
      ctx.printJson({
        recipes: rows,
        invalid: invalid.map(({ dir, error }) => ({
          dir,
          error: error.message,
          hint: error.hint,
          issues: error instanceof InvalidFileError ? error.issues : [],
        })),
        shadowed,
      });
    } else {
      ctx.print(
        formatTable([
          ['NAME', 'VERSION', 'RUNTIMES', 'ARCH', 'SUMMARY'],
          ...rows.map((r) =>
            // Per cell: a line break inside a summary would otherwise forge a row.
            [r.name, r.version, r.runtimes.join(','), r.architectures.join(','), r.summary].map(terminalText),
          ),
        ]),
      );
      for (const { dir, by } of shadowed) ctx.stderr.write(`note: ${dir} is shadowed by ${by}\n`);
      for (const { error } of invalid) {
        ctx.stderr.write(`warning: invalid recipe skipped: ${error.message}\n`);
        for (const line of error.details) ctx.stderr.write(`  ${line}\n`);
        if (error.hint) ctx.stderr.write(`  hint: ${error.hint}\n`);
      }
    }
    return invalid.length > 0 ? ExitCode.badInput : ExitCode.ok;
  },
});
