import { resolveRecipe } from '../core/recipes/catalog.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { defineCommand } from './command.js';
import { buildOptions, buildOptionsFrom } from './build-options.js';
import { buildCells, buildOne } from './build-run.js';
import { engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'test <recipe>',
  summary: "build the layer if needed, then run the recipe's smoke tests the way Lambda runs a function",
  help: [
    'The tests run in the runtime image with the zip mounted read-only at /opt, a read-only root file system,',
    "a tmpfs /tmp, a non-root user, Lambda's PATH and LD_LIBRARY_PATH, and no network.",
    '',
    'Several --runtime or --arch values test each combination the recipe supports, one after the',
    'other, with a table of the results on stderr; the exit code is 1 if any of them failed.',
    'Output as for `layerforge build`: the tested zip paths on stdout, progress on stderr.',
  ].join('\n'),
  options: { ...buildOptions, ...engineOptions },
  async run([spec = ''], options, ctx) {
    const base = { ...(await buildOptionsFrom(spec, options, ctx)), test: true };
    const runtimes = options.runtime;
    const archs = options.arch.map(parseArchitecture);
    if (runtimes.length <= 1 && archs.length <= 1) return buildOne(base, ctx);
    const recipe = await resolveRecipe(spec, base.recipeDirs ?? [], ctx.cwd, base);
    return buildCells({ recipes: [recipe], runtimes, archs, hosts: [], jobs: 1 }, base, ctx);
  },
});
