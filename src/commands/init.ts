import { PROJECT_RECIPES_DIR } from '../core/config.js';
import { ExitCode } from '../core/errors.js';
import { join, relative, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { RECIPE_FILE } from '../core/recipes/load.js';
import { scaffoldRecipe } from '../core/recipes/scaffold.js';
import { defineCommand } from './command.js';
import { list, text } from './options.js';
import { synthesizeRecipe, writeRecipeFolder } from '../core/dependencies/index.js';
import { statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { schemaReference } from '../core/recipes/scaffold.js';

export const command = defineCommand({
  name: 'init [name]',
  summary:
    'scaffold a valid recipe in recipes/<name>/recipe.yaml, or write one made from dependency files (--from)',
  help: [
    'Writes <dir>/<name>/recipe.yaml: a Python-requirements recipe that validates as it stands,',
    'with the other install forms (OS packages, sources with a build script) commented out.',
    'The file points editors at the JSON Schema, so they complete and check it as you type.',
    '',
    'With --from requirements.txt (or a project folder: uv.lock, poetry.lock, Pipfile.lock, pyproject.toml,',
    'requirements.txt, package-lock.json, package.json), writes the recipe `layerforge build` would make from',
    'it, with the dependency files it needs, to keep and edit. The name defaults to the project or folder name.',
    '',
    'Exit codes: 0 created; 2 the name is invalid or the folder already exists (nothing is written).',
  ].join('\n'),
  options: {
    dir: text(
      '--dir <dir>',
      'parent folder for the new recipe (./recipes is searched by every command)',
      PROJECT_RECIPES_DIR,
    ),
    from: text('--from <file|folder>', 'make the recipe from a requirements file or a project folder'),
    runtime: list(
      '--runtime <id>',
      'runtimes of the recipe made with --from (needed when it cannot be inferred)',
    ),
    skipImport: list('--skip-import <name>', 'a module or npm package the derived import tests leave out'),
  },
  async run([name], options, ctx) {
    const parent = resolve(ctx.cwd, options.dir);
    const schemaFile = join(packageRoot, 'schema', 'recipe.schema.json');
    let dir: string;
    if (options.from !== undefined) {
      const from = resolve(ctx.cwd, options.from);
      const stat = statSync(from, { throwIfNoEntry: false });
      if (!stat) throw new UserError(`--from ${options.from} does not exist`);
      const synth = await synthesizeRecipe(
        {
          ...(stat.isDirectory() ? { project: from } : { requirementFiles: [from] }),
          ...(name === undefined ? {} : { name }),
          runtimes: options.runtime,
          skipImports: options.skipImport,
        },
        ctx.cwd,
      );
      const header = `# yaml-language-server: $schema=${schemaReference(join(parent, synth.recipe.name), schemaFile)}\n# Made by \`layerforge init --from\` from ${synth.from}.\n`;
      dir = await writeRecipeFolder(synth, parent, header);
      name = synth.recipe.name;
    } else {
      if (name === undefined)
        throw new UserError("missing required argument 'name'", {
          hint: 'give a name (`layerforge init my-layer`), or --from requirements.txt',
        });
      dir = await scaffoldRecipe(name, parent, schemaFile);
    }
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
