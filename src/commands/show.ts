import { ExitCode } from '../core/errors.js';
import { resolveRecipe } from '../core/recipes/catalog.js';
import type { Recipe } from '../core/recipes/schema.js';
import { terminalText } from '../ui/terminal-text.js';
import { defineCommand } from './command.js';
import { recipeDirsFrom, recipeOptions } from './shared-options.js';

function describe(recipe: Recipe, dir: string): string[] {
  const { install } = recipe;
  const lines = [
    `${recipe.name} ${recipe.version}: ${recipe.summary}`,
    `license: ${recipe.license}   homepage: ${recipe.homepage}`,
    recipe.osVersions
      ? `version per OS: ${Object.entries(recipe.osVersions)
          .map(([os, version]) => `${os} ${version}`)
          .join(', ')}`
      : undefined,
    `runtimes: ${recipe.runtimes.join(', ')}`,
    `architectures: ${recipe.architectures.join(', ')}`,
    install.python ? `python: ${install.python.requirements.join(' ')}` : undefined,
    ...Object.entries(install.packages ?? {}).map(
      ([os, pkgs]) => `packages (${os}): ${(pkgs ?? []).join(' ')}`,
    ),
    ...(install.sources ?? []).map((s) => `source: ${s.url ?? s.path} sha256:${s.sha256.slice(0, 12)}…`),
    install.script === undefined
      ? undefined
      : `script: ${
          typeof install.script === 'string'
            ? install.script
            : Object.entries(install.script)
                .map(([os, s]) => `${os}: ${s}`)
                .join(', ')
        }`,
    recipe.export?.binaries.length ? `exports binaries: ${recipe.export.binaries.join(' ')}` : undefined,
    recipe.export?.libraries.length ? `exports libraries: ${recipe.export.libraries.join(' ')}` : undefined,
    ...(recipe.export?.data ?? []).map((d) => `exports data: ${d.from} -> /opt/${d.to}`),
    recipe.prune?.remove.length ? `prunes: ${recipe.prune.remove.join(' ')}` : undefined,
    `tests: ${recipe.tests.length === 0 ? 'none' : recipe.tests.map((t) => t.name ?? t.run).join('; ')}`,
    recipe.budget ? `budget: ${recipe.budget.unzippedMB} MB unzipped` : undefined,
    `folder: ${dir}`,
  ];
  return lines.filter((line): line is string => line !== undefined);
}

export const command = defineCommand({
  name: 'show <recipe>',
  summary: 'show one recipe (name or name@range): what it installs, exports, tests and its size budget',
  help: [
    'The recipe is a name, or name@<semver range> to pick among versions: the highest version',
    'that satisfies the range wins, e.g. `show pandas@2`, `show pandas@^2.1`, `show pandas@2.2.3`.',
    '',
    'Exit codes: 0 shown; 2 no such recipe or version, or the recipe is invalid (file:line:col on stderr).',
  ].join('\n'),
  options: recipeOptions,
  async run([spec = ''], options, ctx) {
    const { recipe, dir, file } = await resolveRecipe(spec, await recipeDirsFrom(options, ctx), ctx.cwd);
    if (ctx.json) {
      ctx.printJson({ ...recipe, dir, file });
      return ExitCode.ok;
    }
    // Each line is one line by construction: a line break in a value is escaped, not printed.
    for (const line of describe(recipe, dir)) ctx.print(terminalText(line));
    return ExitCode.ok;
  },
});
