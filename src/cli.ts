import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { ExitCode, UserError, isAbortError } from './core/errors.js';
import { parseEngineSpec } from './core/engine/engine-spec.js';
import { createJobContext } from './core/job-context.js';
import { Redactor } from './core/redact.js';
import { layerforgeVersion } from './core/version.js';
import type { AnyCommand, CliIO, CommandContext } from './commands/command.js';
import {
  OUTPUT_OPTIONS,
  commanderOption,
  commanderOptions,
  optionValues,
  type OptionTable,
} from './commands/options.js';
import { commandLoaders } from './commands/registry.js';
import { guardOutput, type GuardedOutput } from './output-streams.js';
import { whyNotInteractive } from './ui/interactive.js';
import { jsonReporter, plainReporter } from './ui/plain-reporter.js';
import { quietSink } from './ui/quiet.js';
import { terminalJson, terminalLines } from './ui/terminal-text.js';

/**
 * Runs layerforge with `argv` (without node and script) and returns the exit code.
 * Never calls process.exit: bin/layerforge.js does, so tests can run commands in-process.
 */
export async function runCli(argv: string[], cliIO: CliIO): Promise<number> {
  const output = guardOutput(cliIO);
  // One redaction for the whole run: whatever the job learns is secret (credentials, build-env
  // values, proxy passwords) is hidden from everything written, errors included.
  const redactor = new Redactor();
  const io: CliIO = {
    ...output.io,
    stdout: { write: (s: string) => output.io.stdout.write(redactor.redact(s)) },
    stderr: { write: (s: string) => output.io.stderr.write(redactor.redact(s)) },
  };
  return output.finish(await run(argv, io, output, redactor));
}

async function run(argv: string[], io: CliIO, output: GuardedOutput, redactor: Redactor): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    // No command: in a terminal that is the picker; elsewhere it is bad usage (help, exit 2),
    // so a script that forgot its command fails instead of waiting for keys.
    if (args.length === 0) {
      if (whyNotInteractive(io) === undefined) args.push('pick');
      else return await noCommand(io);
    }
    const program = await buildProgram(args, io, redactor);
    await program.parseAsync(args, { from: 'user' });
    return exitCodeOf(program);
  } catch (error) {
    // Cancelled because stdout went away: nothing to say, and nowhere the reader would see it.
    if (isAbortError(error) && output.stdoutGone()) return ExitCode.interrupted;
    return handleError(error, io, debug);
  }
}

async function noCommand(io: CliIO): Promise<number> {
  const program = await buildProgram([], io);
  program.outputHelp({ error: true });
  io.stderr.write(
    `error: no command given (and no terminal for the picker: ${whyNotInteractive(io) ?? ''})\nhint: run \`layerforge list\` to see the recipes and \`layerforge build <recipe>\` to build one\n`,
  );
  return ExitCode.badInput;
}

const exitCodes = new WeakMap<Command, number>();
function exitCodeOf(program: Command): number {
  return exitCodes.get(program) ?? ExitCode.ok;
}

async function buildProgram(args: string[], io: CliIO, redactor = new Redactor()): Promise<Command> {
  const program = new Command('layerforge')
    .description('Build AWS Lambda layers with native dependencies, audited and deterministic.')
    .version(layerforgeVersion, '-V, --version')
    .option('--debug', 'show stack traces for internal errors')
    .configureOutput(commanderOutput(io, 'layerforge'))
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', ROOT_HELP_FOOTER);

  // Load only the command that was asked for; `--help` alone (or no command) loads all to list
  // them, and `--version` alone none at all: it is what scripts call most often.
  const first = args.find((a) => !a.startsWith('-'));
  const versionOnly = !first && args.some((a) => a === '-V' || a === '--version');
  const names = first && commandLoaders[first] ? [first] : versionOnly ? [] : Object.keys(commandLoaders);
  for (const name of names) {
    const load = commandLoaders[name];
    if (load) addCommand(program, await load(), io, program, redactor);
  }
  return program;
}

function addCommand(
  parent: Command,
  definition: AnyCommand,
  io: CliIO,
  root: Command,
  redactor: Redactor,
): void {
  const command = parent.command(definition.name).description(definition.summary).exitOverride();
  command.configureOutput(
    commanderOutput(io, `${commandPath(parent)} ${definition.name.split(' ')[0] ?? ''}`),
  );
  if (definition.help) command.addHelpText('after', `\n${definition.help}`);
  if (definition.json !== false) {
    for (const [key, decl] of Object.entries(OUTPUT_OPTIONS)) command.addOption(commanderOption(key, decl));
  }
  const table: OptionTable = definition.options ?? {};
  for (const [key, decl] of Object.entries(table))
    for (const option of commanderOptions(key, decl)) command.addOption(option);
  for (const sub of definition.subcommands ?? []) addCommand(command, sub, io, root, redactor);
  // `versions delete x --region r`: the sub-command's options are its own, not taken by the parent.
  if (definition.subcommands && definition.subcommands.length > 0) command.enablePositionalOptions();
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
    const options = optionValues(table, optionsWithParents(cmd));
    const positionals = actionArgs
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const { json, quiet } = options;
    const write = (s: string) => io.stdout.write(s);
    // Commands print data (recipe strings, zip names, logs): every line they print is made
    // safe here, so a print site that forgets to escape a field still cannot drive the terminal.
    const stderr = { write: (s: string) => io.stderr.write(terminalLines(s)) };
    const report = json ? jsonReporter(write) : plainReporter((s) => stderr.write(s));
    const sink = quiet ? quietSink(report) : report;
    // `build` takes several --docker-host for a matrix (`arm64=URL` or a URL): the first one's URL
    // is the job's default engine.
    const dockerHosts: unknown = options.dockerHost;
    const first: unknown = Array.isArray(dockerHosts) ? dockerHosts[0] : undefined;
    const dockerHost = typeof first === 'string' ? parseEngineSpec(first).host : dockerHosts;
    const dockerContext: unknown = options.context;
    const ctx: CommandContext = {
      ...io,
      stderr,
      json,
      quiet,
      sink,
      job: createJobContext({
        cwd: io.cwd,
        env: io.env,
        sink,
        signal: io.signal,
        redactor,
        ...(typeof dockerHost === 'string' ? { dockerHost } : {}),
        ...(typeof dockerContext === 'string' ? { dockerContext } : {}),
      }),
      print: (line) => io.stdout.write(terminalLines(line) + '\n'),
      printJson: (value) => io.stdout.write(terminalJson(value, 2) + '\n'),
    };
    const code = await definition.run(positionals, options, ctx);
    exitCodes.set(root, code);
  });
}

/**
 * A command's options over its parents' (commander's optsWithGlobals lets the parent win):
 * `versions --region r delete x` means region r for the delete, and the delete's own win.
 */
function optionsWithParents(command: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) chain.unshift(c);
  return Object.assign({}, ...chain.map((c) => c.opts())) as Record<string, unknown>;
}

const ROOT_HELP_FOOTER = `
Run \`layerforge <command> --help\` for a command's options. In a terminal, \`layerforge\`
alone opens the recipe picker (\`layerforge pick\`).
Exit codes: 0 ok, 1 the job failed (build, audit, publish), 2 bad usage or bad input
(flags, recipe, config), 130 (Ctrl-C) or 143 (SIGTERM) interrupted. A closed stdout
(\`| head -1\`) stops the job quietly and exits 0.`;

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's parse errors in our format: `error: ...` then one `hint: ...` line, so every
 * bad-usage message reads like a UserError. Its "(Did you mean x?)" becomes the hint.
 */
function commanderOutput(io: CliIO, path: string): OutputConfiguration {
  return {
    writeOut: (s) => io.stdout.write(s),
    // Parse errors quote the arguments given, which may hold anything.
    writeErr: (s) => io.stderr.write(terminalLines(s)),
    outputError: (text, write) => {
      const suggestion = /\n?\(Did you mean (.+)\?\)\s*$/.exec(text);
      const message = (suggestion ? text.slice(0, suggestion.index) : text).trimEnd();
      const hint = suggestion
        ? `did you mean ${suggestion[1]}?`
        : /unknown command/.test(message)
          ? `run \`${path} --help\` to see the commands`
          : `run \`${path} --help\` for usage`;
      write(`${message}\nhint: ${hint}\n`);
    },
  };
}

function handleError(error: unknown, io: CliIO, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; every other parse error is bad usage.
    if (
      error.exitCode === 0 ||
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version'
    ) {
      return ExitCode.ok;
    }
    return ExitCode.badInput;
  }
  if (isAbortError(error)) {
    io.stderr.write('interrupted: stopped cleanly, nothing half-written was left behind\n');
    return ExitCode.interrupted;
  }
  // Messages quote recipe keys and values, file names and engine output: escape them all.
  const write = (s: string) => io.stderr.write(terminalLines(s));
  if (error instanceof UserError) {
    write(`error: ${error.message}\n`);
    for (const line of error.details) write(`  ${line}\n`);
    if (error.hint) write(`hint: ${error.hint}\n`);
    if (debug && error.cause) write(`cause: ${String(error.cause)}\n`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  write(`internal error: ${err.message}\n`);
  write(debug ? `${err.stack ?? ''}\n` : 'hint: run again with --debug for the stack trace, and report it\n');
  return ExitCode.failure;
}
