import { PROJECT_RECIPES_DIR } from '../core/config.js';
import { ExitCode } from '../core/errors.js';
import { join, relative, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { RECIPE_FILE } from '../core/recipes/load.js';
import { scaffoldRecipe } from '../core/recipes/scaffold.js';
import { defineCommand } from './command.js';
import { text } from './options.js';

export const command = defineCommand({
  name: 'init <name>',
  summary: 'scaffold a valid recipe in recipes/<name>/recipe.yaml',
  help: [
    'Writes <dir>/<name>/recipe.yaml: a Python-requirements recipe that validates as it stands,',
    'with the other install forms (OS packages, sources with a build script) commented out.',
    'The file points editors at the JSON Schema, so they complete and check it as you type.',
    '',
    'Exit codes: 0 created; 2 the name is invalid or the folder already exists (nothing is written).',
  ].join('\n'),
  options: {
    dir: text(
      '--dir <dir>',
      'parent folder for the new recipe (./recipes is searched by every command)',
      PROJECT_RECIPES_DIR,
    ),
  },
  async run([name = ''], options, ctx) {
    const parent = resolve(ctx.cwd, options.dir);
    const dir = await scaffoldRecipe(name, parent, join(packageRoot, 'schema', 'recipe.schema.json'));
    const file = join(dir, RECIPE_FILE);
    if (ctx.json) {
      ctx.printJson({ dir, file });
      return ExitCode.ok;
    }
    const shown = (path: string) => relative(ctx.cwd, path) || '.';
    ctx.print(`created ${shown(file)}`);
    // ./recipes is searched by default; another folder has to be named.
    const found = parent === resolve(ctx.cwd, PROJECT_RECIPES_DIR);
    ctx.print(`next: edit it, then \`layerforge show ${name}${found ? '' : ` --recipes ${shown(parent)}`}\``);
    return ExitCode.ok;
  },
});
