import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UserError, isAbortError } from './core/errors.js';
import { layerforgeVersion } from './core/version.js';
import type { CliIO, CommandContext, CommandDefinition } from './commands/command.js';
import { commandLoaders } from './commands/registry.js';
import { jsonReporter, plainReporter } from './ui/plain-reporter.js';

/**
 * Runs layerforge with `argv` (without node and script) and returns the exit code.
 * Never calls process.exit: bin/layerforge.js does, so tests can run commands in-process.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    const program = await buildProgram(args, io);
    await program.parseAsync(args, { from: 'user' });
    return exitCodeOf(program);
  } catch (error) {
    return handleError(error, io, debug);
  }
}

const exitCodes = new WeakMap<Command, number>();
function exitCodeOf(program: Command): number {
  return exitCodes.get(program) ?? ExitCode.ok;
}

async function buildProgram(args: string[], io: CliIO): Promise<Command> {
  const program = new Command('layerforge')
    .description('Build AWS Lambda layers with native dependencies, audited and deterministic.')
    .version(layerforgeVersion, '-V, --version')
    .option('--debug', 'show stack traces for internal errors')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showSuggestionAfterError(true);

  // Load only the command that was asked for; `--help` alone (or no command) loads all to list them.
  const first = args.find((a) => !a.startsWith('-'));
  const names = first && commandLoaders[first] ? [first] : Object.keys(commandLoaders);
  for (const name of names) {
    const load = commandLoaders[name];
    if (load) addCommand(program, await load(), io, program);
  }
  return program;
}

function addCommand(parent: Command, definition: CommandDefinition, io: CliIO, root: Command): void {
  const command = parent.command(definition.name).description(definition.summary).exitOverride();
  command.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  if (definition.help) command.addHelpText('after', `\n${definition.help}`);
  if (definition.json !== false) command.option('--json', 'print machine-readable JSON');
  for (const spec of definition.options ?? []) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(option);
  }
  for (const sub of definition.subcommands ?? []) addCommand(command, sub, io, root);
  if (definition.subcommands && definition.subcommands.length > 0 && !definition.name.includes('<')) {
    // A group like `base` without its sub-command: show its help and fail as bad usage.
    command.action(() => {
      command.outputHelp({ error: true });
      exitCodes.set(root, ExitCode.badInput);
    });
    return;
  }
  command.action(async (...actionArgs: unknown[]) => {
    // Commander passes positionals, then the options object, then the Command itself.
    const cmd = actionArgs[actionArgs.length - 1] as Command;
    const options = cmd.opts();
    const positionals = actionArgs.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const json = options.json === true;
    const write = (s: string) => io.stdout.write(s);
    const ctx: CommandContext = {
      ...io,
      json,
      sink: json ? jsonReporter(write) : plainReporter((s) => io.stderr.write(s)),
      print: (line) => io.stdout.write(line + '\n'),
      printJson: (value) => io.stdout.write(JSON.stringify(value, null, 2) + '\n'),
    };
    const code = await definition.run(positionals, options, ctx);
    exitCodes.set(root, code ?? ExitCode.ok);
  });
}

function handleError(error: unknown, io: CliIO, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; every other parse error is bad usage.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return ExitCode.ok;
    }
    return ExitCode.badInput;
  }
  if (isAbortError(error)) {
    io.stderr.write('interrupted: stopped cleanly, nothing half-written was left behind\n');
    return ExitCode.interrupted;
  }
  if (error instanceof UserError) {
    io.stderr.write(`error: ${error.message}\n`);
    for (const line of error.details) io.stderr.write(`  ${line}\n`);
    if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    if (debug && error.cause) io.stderr.write(`cause: ${String(error.cause)}\n`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  io.stderr.write(`internal error: ${err.message}\n`);
  io.stderr.write(debug ? `${err.stack ?? ''}\n` : 'hint: run again with --debug for the stack trace, and report it\n');
  return ExitCode.failure;
}
