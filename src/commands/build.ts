import { buildLayer } from '../core/build/build-layer.js';
import { defineCommand } from './command.js';
import { buildOptionSpecs, buildOptionsFrom } from './build-options.js';

export const command = defineCommand({
  name: 'build <recipe>',
  summary: 'build a layer: recipe → Lambda-matched container → /opt → prune → audit → deterministic zip + manifest',
  help: 'Examples:\n  layerforge build hello --base debian12\n  layerforge build pandas@^2 --runtime python3.12 --arch arm64',
  options: [...buildOptionSpecs, { flags: '--test', description: "run the recipe's smoke tests on the zip afterwards" }],
  async run([spec = ''], options, ctx) {
    await buildLayer(await buildOptionsFrom(spec, options, ctx), { sink: ctx.sink, signal: ctx.signal });
  },
});
