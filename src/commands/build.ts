import { buildLayer } from '../core/builder/build-layer.js';
import { buildMatrix, cellLabel, expandMatrix } from '../core/builder/matrix.js';
import { ExitCode, UserError } from '../core/errors.js';
import { listRecipes, resolveRecipe } from '../core/recipes/catalog.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { formatBytes, formatTable } from '../ui/format.js';
import type { CommandContext } from './command.js';
import { defineCommand } from './command.js';
import { buildOptions, buildOptionsFrom } from './build-options.js';
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
      await buildLayer(base, ctx.job);
      return ExitCode.ok;
    }
    return runMatrix(specs, all, runtimes, archs, hosts, base, options.jobs, ctx);
  },
});

async function runMatrix(
  specs: string[],
  all: boolean,
  runtimes: string[],
  archs: ReturnType<typeof parseArchitecture>[],
  hosts: string[],
  base: Awaited<ReturnType<typeof buildOptionsFrom>>,
  jobs: number,
  ctx: CommandContext,
): Promise<ExitCode> {
  const recipes = all
    ? (await listRecipes(base.recipeDirs ?? [], ctx.cwd, base)).recipes
    : await Promise.all(specs.map((s) => resolveRecipe(s, base.recipeDirs ?? [], ctx.cwd, base)));
  const cells = expandMatrix(recipes, runtimes, archs);
  const engines = await Promise.all(
    (hosts.length > 0 ? hosts : [undefined]).map((host) => ctx.job.engine(host)),
  );
  const results = await buildMatrix(cells, base, { jobs, engines }, ctx.job);
  if (ctx.json) ctx.sink({ type: 'matrix.summary', cells: results });
  else {
    ctx.print(
      formatTable([
        ['CELL', 'RESULT', 'UNZIPPED', 'ZIPPED', 'TIME', 'ZIP OR ERROR'],
        ...results.map((r) => [
          cellLabel(r),
          r.status,
          r.unzippedBytes === undefined ? '-' : formatBytes(r.unzippedBytes),
          r.zippedBytes === undefined ? '-' : formatBytes(r.zippedBytes),
          `${(r.ms / 1000).toFixed(1)}s`,
          r.zipPath ?? (r.error ?? '').split('\n')[0] ?? '',
        ]),
      ]),
    );
  }
  if (ctx.signal.aborted) return ExitCode.interrupted;
  return results.some((r) => r.status === 'failed' || r.status === 'interrupted')
    ? ExitCode.failure
    : ExitCode.ok;
}
