import { DEFAULT_BASE } from '../core/base-images/definition.js';
import type { BuildLayer } from '../core/builder/types.js';
import { UserError } from '../core/errors.js';
import type { PublishZip } from '../ui/app/use-publish-events.js';
import { whyNotInteractive } from '../ui/interactive.js';
import { loadPickerData } from '../ui/picker-data.js';
import { noColorFrom } from '../ui/app/use-theme.js';
import { defineCommand } from './command.js';
import type { CommandContext } from './command.js';
import { buildOptions, buildOptionsFrom, refuseSeveralTargets } from './build-options.js';
import { list, type OptionValues } from './options.js';
import { awsClientsFrom, awsOptions, engineOptions } from './shared-options.js';

export const command = defineCommand({
  name: 'pick',
  summary: 'pick a recipe, runtime, arch and base in the terminal, then build it with live progress',
  help: [
    'Opens the interactive picker (also what `layerforge` alone does in a terminal):',
    '  list    type to filter, ↑/↓ move, Enter choose, Esc/q quit',
    '  choose  runtime, arch, base and smoke test: ↑/↓ field, ←/→ value, Enter build, Esc back',
    '  build   live steps, log tail and size meter; Ctrl-C cancels cleanly (exit 130)',
    '  after   p publish to regions (with AWS credentials), q quit',
    '',
    '--runtime, --arch and --base preselect the choices; --out, --recipes, --sources, --reserve-mb,',
    '--no-cache and --no-audit apply to the build as for `layerforge build`. --region prefills the',
    'publish prompt; --profile and --endpoint-url apply to publishing as for `layerforge publish`.',
    '',
    'Needs a terminal: without one, with CI set, or with --json it exits 2; use',
    '`layerforge build <recipe>` there, which prints plain progress lines or JSON events.',
    '',
    'Exit codes: 0 quit (after a successful build, or nothing built), 1 the build or publish failed,',
    '2 no terminal or bad input, 130 Ctrl-C.',
  ].join('\n'),
  options: {
    ...buildOptions,
    ...awsOptions,
    ...engineOptions,
    runtime: list('--runtime <id>', 'the runtime to preselect (one)'),
    arch: list('--arch <arch>', 'the arch to preselect: x86_64 or arm64 (one)'),
  },
  async run(_args, options, ctx) {
    // Bad input before anything else: the picker preselects one runtime and one arch.
    refuseSeveralTargets(
      options,
      'pick',
      'give one value to preselect; to build several, use `layerforge build <recipe> --runtime a,b --arch x86_64,arm64`',
    );
    const why = whyNotInteractive({ isTTY: ctx.isTTY, env: ctx.env, json: ctx.json });
    if (why) {
      throw new UserError(`the picker needs an interactive terminal (${why})`, {
        hint: 'run `layerforge build <recipe>` instead: it prints plain progress lines, or JSON events with --json; `layerforge list` shows the recipes',
      });
    }
    const buildOptions = await buildOptionsFrom('', options, ctx);
    // The UI loads while the recipes are read; dockerode waits until a build starts.
    const [data, { runPicker }] = await Promise.all([
      loadPickerData({
        recipeDirs: buildOptions.recipeDirs ?? [],
        outDir: buildOptions.outDir ?? 'dist',
        cwd: ctx.cwd,
        allowLocalSources: buildOptions.allowLocalSources,
      }),
      import('../ui/run-picker.js'),
    ]);
    if (data.recipes.length === 0) {
      throw new UserError('there is no valid recipe to pick from', {
        hint: '`layerforge list` shows why each recipe is invalid; `layerforge init <name>` scaffolds a new one',
      });
    }
    const buildLayer: BuildLayer = async (input, io) =>
      (await import('../core/builder/build-layer.js')).buildLayer(input, {
        ...ctx.job,
        ...io,
        // The picker's sink draws the screen: its events are redacted as the job's own are.
        sink: (event) => io.sink(ctx.job.redactor.redactDeep(event)),
      });
    const { recipe: _recipe, runtime: _runtime, arch, base, test: _test, ...rest } = buildOptions;
    return runPicker(
      {
        data,
        defaults: { runtime: options.runtime[0], arch, base: base ?? DEFAULT_BASE },
        buildOptions: rest,
        buildLayer,
        publish: publishWith(options, ctx),
        defaultRegions: options.region.join(',') || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || '',
        cwd: ctx.cwd,
        noColor: noColorFrom(ctx.env),
        signal: ctx.signal,
      },
      // The picker is the one command that owns the terminal: raw keys in, a redrawn screen out.
      { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    );
  },
});

/** The core's publishLayer, with AWS clients made as `layerforge publish` makes them (--profile, --endpoint-url, AWS_*). */
function publishWith(options: OptionValues<typeof awsOptions>, ctx: CommandContext): PublishZip {
  return async (zipPath, regions, io) => {
    // Loaded on demand: the AWS SDK is not needed to pick and build.
    const { publishLayer } = await import('../core/publish/publish-layer.js');
    const clients = await awsClientsFrom(options, ctx);
    try {
      return await publishLayer(
        { target: zipPath, regions, cwd: ctx.cwd, env: ctx.env },
        { clients, sink: io.sink, signal: io.signal },
      );
    } finally {
      clients.destroy();
    }
  };
}
