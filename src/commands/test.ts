import { ExitCode } from '../core/errors.js';
import { buildLayer } from '../core/builder/build-layer.js';
import { defineCommand } from './command.js';
import { buildOptions, buildOptionsFrom } from './build-options.js';
import { engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'test <recipe>',
  summary: "build the layer if needed, then run the recipe's smoke tests the way Lambda runs a function",
  help: "The tests run in the runtime image with the zip mounted read-only at /opt, a read-only root file system,\na tmpfs /tmp, a non-root user, Lambda's PATH and LD_LIBRARY_PATH, and no network.",
  options: { ...buildOptions, ...engineOptions },
  async run([spec = ''], options, ctx) {
    await buildLayer({ ...(await buildOptionsFrom(spec, options, ctx)), test: true }, ctx.job);
    return ExitCode.ok;
  },
});
