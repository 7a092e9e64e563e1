import { UserError } from '../core/errors.js';
import { listRecipes, resolveRecipe } from '../core/recipes/catalog.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { defineCommand } from './command.js';
import { buildOptions, buildOptionsFrom } from './build-options.js';
import { buildCells, buildOne } from './build-run.js';
import {
  buildFromDependencies,
  dependencyInputsFrom,
  dependencyOptions,
  isFolderSpec,
  refreshOption,
} from './build-deps.js';
import { hasDependencyInputs } from '../core/dependencies/inputs.js';
import { count, flag, list } from './options.js';
import { engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'build [recipes...]',
  summary:
    'build a layer: recipe → Lambda-matched container → /opt → prune → audit → deterministic zip + manifest',
  help: [
    'Examples:',
    '  layerforge build hello --base debian12',
    '  layerforge build pandas@^2 --runtime python3.12 --arch arm64',
    '  layerforge build pandas --runtime python3.11,python3.12 --arch x86_64,arm64 --jobs 2',
    '  layerforge build --all --docker-host unix:///var/run/docker.sock --docker-host ssh://builder',
    '  layerforge build pandas --arch x86_64,arm64 --docker-host arm64=ssh://graviton --docker-host x86_64=unix:///var/run/docker.sock',
    '  zip=$(layerforge build hello --base debian12 --quiet)',
    '',
    'From your own dependency files, with no recipe written (a folder is given as a path):',
    '  layerforge build -r requirements.txt --runtime python3.11 --base debian12 --test',
    "  layerforge build --pip 'pillow>=11' --pip numpy==2.2.6 --runtime python3.12",
    '  layerforge build ./svc        (uv.lock, poetry.lock, Pipfile.lock, pyproject.toml,',
    '                                 requirements.txt, package-lock.json or package.json; lock files first)',
    '  layerforge build --npm sharp@0.34.5 --runtime nodejs22.x --arch arm64',
    '',
    'Output: the zip path on stdout, one line per built layer (a matrix prints one per built cell);',
    'progress and the matrix table on stderr (--quiet leaves them out). With --json, stdout has the',
    'events as JSON lines, ending with build.result (one layer) or matrix.summary (a matrix).',
  ].join('\n'),
  options: {
    ...buildOptions,
    test: flag('--test', "run the recipe's smoke tests on the zip afterwards"),
    all: flag('--all', 'build every recipe (with --runtime/--arch lists, each supported combination)'),
    jobs: count('--jobs <n>', 'matrix cells built at once', 1),
    dockerHost: list(
      '--docker-host <url>',
      'Docker engine(s) for matrix cells: unix://, tcp:// or ssh://, or arm64=URL / x86_64=URL to declare its arch (else read from the engine); a cell goes to an engine of its arch, under QEMU only when there is none; repeatable (default: as the docker CLI chooses, see --context)',
    ),
    context: engineOptions.context,
    ...dependencyOptions,
    ...refreshOption,
  },
  async run(specs, options, ctx) {
    const spec = specs.length === 1 ? specs[0] : undefined;
    const { runtime: runtimes, all } = options;
    const archs = options.arch.map(parseArchitecture);
    const deps = dependencyInputsFrom(specs, options);
    if (hasDependencyInputs(deps)) {
      if (all) throw new UserError('give dependency files or --all, not both');
      if (specs.some((s) => !isFolderSpec(s)))
        throw new UserError('give dependency files or recipe names, not both', {
          hint: 'a project folder is given as a path, e.g. ./svc',
        });
      const base = await buildOptionsFrom('', options, ctx);
      return buildFromDependencies(
        deps,
        { runtimes, archs, hosts: options.dockerHost, jobs: options.jobs, refresh: options.refresh },
        base,
        ctx,
      );
    }
    if (specs.length === 0 && !all)
      throw new UserError('which recipe?', {
        hint: 'give a recipe name, or --all for every recipe (see `layerforge list`)',
      });
    if (specs.length > 0 && all) throw new UserError('give recipes or --all, not both');
    const base = await buildOptionsFrom(spec ?? '', options, ctx);
    const hosts = options.dockerHost;
    if (spec && !all && runtimes.length <= 1 && archs.length <= 1 && hosts.length <= 1) {
      return buildOne(base, ctx);
    }
    const recipeDirs = base.recipeDirs ?? [];
    const recipes = all
      ? (await listRecipes(recipeDirs, ctx.cwd, base)).recipes
      : await Promise.all(specs.map((s) => resolveRecipe(s, recipeDirs, ctx.cwd, base)));
    return buildCells({ recipes, runtimes, archs, hosts, jobs: options.jobs }, base, ctx);
  },
});
