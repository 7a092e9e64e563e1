import type { ExitCode } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { JobContext } from '../core/job-context.js';
import type { OptionTable, OptionValues } from './options.js';

/** Where a command writes: injected so tests can run commands in-process. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout is a terminal: pick the interactive UI or colours. */
  isTTY: boolean;
  signal: AbortSignal;
}

export interface CommandContext extends CliIO {
  /** Renders core events: JSON lines under --json, plain lines otherwise. */
  sink: EventSink;
  /** The job the core runs with: this command's folder, environment, sink, signal, engine and AWS. */
  job: JobContext;
  /** --json was given: print data, not prose. */
  json: boolean;
  /** --quiet was given: no progress, only results, warnings and errors (the sink already filters). */
  quiet: boolean;
  /** Writes one line to stdout. */
  print(line: string): void;
  /** Writes a value as JSON to stdout. */
  printJson(value: unknown): void;
}

/** One command, declared as data; `registry.ts` turns these into the CLI. */
export interface CommandDefinition<O extends OptionTable = OptionTable> {
  /** Name plus positional arguments in commander syntax: `inspect <zip>`, `show <recipe>`. */
  name: string;
  summary: string;
  /** Longer help shown under `--help`. */
  help?: string;
  /** The options, keyed by the name `run` reads them by (see `options.ts`). */
  options?: O;
  /** Most commands take --json; set false for those that don't. */
  json?: boolean;
  /** Positional arguments in order, then the typed options. Returns the exit code. */
  run(args: string[], options: OptionValues<O>, ctx: CommandContext): Promise<ExitCode>;
  /** Sub-commands, e.g. `base list` and `base build`. */
  subcommands?: AnyCommand[];
}

/** A command of any option table, as the registry and the CLI hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table's type is the command's own
export type AnyCommand = CommandDefinition<any>;

/** Declares a command; its `run` receives options typed from its option table. */
export function defineCommand<const O extends OptionTable = Record<never, never>>(
  definition: CommandDefinition<O>,
): CommandDefinition<O> {
  return definition;
}
