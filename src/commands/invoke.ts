import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { ExitCode, UserError } from '../core/errors.js';
import { invokeFunction } from '../core/invoke/invoke-function.js';
import type { InvokeOptions } from '../core/invoke/types.js';
import { parseArchitecture } from '../core/runtimes/catalog.js';
import { jsonSafe } from '../ui/terminal-text.js';
import type { CommandContext } from './command.js';
import { defineCommand } from './command.js';
import { count, flag, list, text, type OptionValues } from './options.js';
import { baseFrom, baseOptions, engineOptions, recipeDirsFrom, recipeOptions } from './shared-options.js';
import { buildEnvFrom, buildEnvOptions } from './build-options.js';

/** The event: a file's text, or standard input for `-`. */
export async function readEvent(
  value: string | undefined,
  cwd: string,
  stdin: AsyncIterable<Buffer | string>,
): Promise<string> {
  if (value === undefined)
    throw new UserError('which event?', {
      hint: 'give --event event.json, or --event - to read it from standard input',
    });
  if (value !== '-') {
    try {
      return await readFile(resolve(cwd, value), 'utf8');
    } catch (error) {
      throw new UserError(
        `cannot read the event ${resolve(cwd, value)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        {
          hint: 'give a JSON file, or - for standard input',
        },
      );
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export const invokeOptions = {
  handler: text(
    '--handler <module.fn>',
    'the handler: module.function (Python, Node); given to a custom bootstrap as _HANDLER',
  ),
  runtime: text('--runtime <id>', 'the Lambda runtime, e.g. python3.11, provided.al2023'),
  // A comma inside one value is part of a path, not a separator.
  layer: list(
    '--layer <zip|recipe>',
    'a layer zip, or a recipe to build first; repeatable, applied in order',
    false,
  ),
  event: text('--event <file|->', 'the JSON event, from a file or - for standard input'),
  arch: text('--arch <arch>', 'x86_64 or arm64 (default: x86_64)'),
  ...baseOptions,
  rie: text('--rie <path>', "AWS's emulator binary (aws-lambda-rie); also $LAYERFORGE_RIE"),
  network: flag(
    '--network',
    "give the function the engine's default network (default: none, as an offline test)",
  ),
  repeat: count('--repeat <n>', 'invoke n times in one container: a cold start, then warm ones', 1),
  timeout: count(
    '--timeout <seconds>',
    "the function's timeout (AWS_LAMBDA_FUNCTION_TIMEOUT); default: the emulator's",
  ),
  // No commander default: it would always win over outDir in layerforge.config.yaml.
  out: text(
    '--out <dir>',
    'where layers built from recipes go (default: outDir in layerforge.config.yaml, else dist)',
  ),
  ...buildEnvOptions,
  ...recipeOptions,
  ...engineOptions,
};

/** Turns the command line into core options; `stdin` is read only for `--event -`. */
export async function invokeOptionsFrom(
  functionDir: string,
  options: OptionValues<typeof invokeOptions>,
  ctx: CommandContext,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<InvokeOptions> {
  const { handler, runtime, arch } = options;
  if (!handler)
    throw new UserError('which handler?', {
      hint: 'give --handler module.function, e.g. --handler app.handler',
    });
  if (!runtime)
    throw new UserError('which runtime?', {
      hint: 'give --runtime, e.g. --runtime python3.11 (see `layerforge show <recipe>` for ids)',
    });
  const config = await loadConfig(ctx.cwd);
  return {
    functionDir,
    handler,
    runtime,
    layers: options.layer,
    event: await readEvent(options.event, ctx.cwd, stdin),
    arch: arch === undefined ? undefined : parseArchitecture(arch),
    base: baseFrom(options, ctx, config),
    rie: options.rie,
    network: options.network,
    repeat: options.repeat,
    timeoutSeconds: options.timeout,
    recipeDirs: await recipeDirsFrom(options, ctx),
    outDir: options.out ?? config.outDir,
    ...buildEnvFrom(options, config, ctx),
  };
}

export const command = defineCommand({
  name: 'invoke <function-dir>',
  summary: "run a function locally the way Lambda does, through AWS's Runtime Interface Emulator",
  help: [
    'The function runs in the runtime image with its runtime interface client, its layers extracted',
    'to /opt in order (a later layer wins), its code read-only at /var/task, a read-only root file',
    'system, a tmpfs /tmp, a non-root user and no network. The response goes to stdout; the',
    "function's logs and a REPORT line (init and invoke durations) to stderr. A handler error is",
    'printed the way Lambda returns it ({"errorMessage", "errorType", "stackTrace"}) and exits 1.',
    '',
    'The emulator is found at --rie, $LAYERFORGE_RIE, on PATH or in ~/go/bin; install it with',
    '  CGO_ENABLED=0 go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@<version>',
    '',
    'Examples:',
    '  layerforge invoke ./fn --handler app.handler --runtime python3.11 --base debian12 --layer pandas --event event.json',
    '  echo \'{"n": 3}\' | layerforge invoke ./fn --handler app.handler --runtime python3.12 --layer dist/x.zip --event -',
  ].join('\n'),
  options: invokeOptions,
  async run([functionDir = ''], options, ctx) {
    const result = await invokeFunction(await invokeOptionsFrom(functionDir, options, ctx), ctx.job);
    const failed = result.invocations.some((i) => i.functionError !== undefined);
    if (ctx.json) {
      ctx.sink({ type: 'invoke.result', ok: !failed, ...result });
    } else {
      // The response is the function's to choose; a JSON one still parses the same once escaped.
      for (const invocation of result.invocations) ctx.print(jsonSafe(invocation.payload));
    }
    // A handler error is the job failing (exit 1), as `aws lambda invoke` reports FunctionError.
    return failed ? ExitCode.failure : ExitCode.ok;
  },
});
