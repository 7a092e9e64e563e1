import { UserError } from '../core/errors.js';
import { listRecipes, resolveRecipe } from '../core/recipes/catalog.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { defineCommand } from './command.js';
import { buildOptions, buildOptionsFrom } from './build-options.js';
import { buildCells, buildOne } from './build-run.js';
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
    '  zip=$(layerforge build hello --base debian12 --quiet)',
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
      'Docker engine(s) to spread matrix cells over: unix://, tcp:// or ssh://, repeatable (default: as the docker CLI chooses, see --context)',
    ),
    context: engineOptions.context,
  },
  async run(specs, options, ctx) {
    const spec = specs.length === 1 ? specs[0] : undefined;
    const { runtime: runtimes, all } = options;
    const archs = options.arch.map(parseArchitecture);
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
