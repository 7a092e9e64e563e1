import { resolveRecipe } from '../core/recipes/catalog.js';
import { defineCommand } from './command.js';
import { recipeDirsFrom, recipesOption } from './shared-options.js';

export const command = defineCommand({
  name: 'show <recipe>',
  summary: 'show one recipe (name or name@range): what it installs, exports, tests and its size budget',
  options: [recipesOption],
  async run([spec = ''], options, ctx) {
    const { recipe, dir } = await resolveRecipe(spec, await recipeDirsFrom(options, ctx), ctx.cwd);
    if (ctx.json) {
      ctx.printJson({ ...recipe, dir });
      return;
    }
    const install = recipe.install;
    const lines = [
      `${recipe.name} ${recipe.version}: ${recipe.summary}`,
      `license: ${recipe.license}   homepage: ${recipe.homepage}`,
      `runtimes: ${recipe.runtimes.join(', ')}`,
      `architectures: ${recipe.architectures.join(', ')}`,
      install.python ? `python: ${install.python.requirements.join(' ')}` : undefined,
      ...Object.entries(install.packages ?? {}).map(([os, pkgs]) => `packages (${os}): ${(pkgs ?? []).join(' ')}`),
      ...(install.sources ?? []).map((s) => `source: ${s.url ?? s.path} sha256:${s.sha256.slice(0, 12)}…`),
      install.script ? `script: ${typeof install.script === 'string' ? install.script : JSON.stringify(install.script)}` : undefined,
      recipe.export?.binaries.length ? `exports binaries: ${recipe.export.binaries.join(' ')}` : undefined,
      recipe.export?.libraries.length ? `exports libraries: ${recipe.export.libraries.join(' ')}` : undefined,
      `tests: ${recipe.tests.length}`,
      recipe.budget ? `budget: ${recipe.budget.unzippedMB} MB unzipped` : undefined,
      `folder: ${dir}`,
    ];
    for (const line of lines) if (line !== undefined) ctx.print(line);
  },
});
