import type { ExitCode } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { JobContext } from '../core/job-context.js';

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
  /** Writes one line to stdout. */
  print(line: string): void;
  /** Writes a value as JSON to stdout. */
  printJson(value: unknown): void;
}

export interface OptionSpec {
  /** Commander flag syntax: `--out <dir>`, `--json`, `--region <region...>`. */
  flags: string;
  description: string;
  defaultValue?: string | boolean | string[];
  /**
   * `--flag <value>` may be given several times; the values are collected in order. Unlike a
   * variadic `<value...>`, it never swallows the positional arguments that follow it.
   */
  repeatable?: boolean;
}

/** One command, declared as data; `registry.ts` turns these into the CLI. */
export interface CommandDefinition {
  /** Name plus positional arguments in commander syntax: `inspect <zip>`, `show <recipe>`. */
  name: string;
  summary: string;
  /** Longer help shown under `--help`. */
  help?: string;
  options?: OptionSpec[];
  /** Most commands take --json; set false for those that don't. */
  json?: boolean;
  /** Positional arguments in order, then the parsed options. Returns the exit code. */
  run(args: string[], options: Record<string, unknown>, ctx: CommandContext): Promise<ExitCode>;
  /** Sub-commands, e.g. `base list` and `base build`. */
  subcommands?: CommandDefinition[];
}

export function defineCommand(definition: CommandDefinition): CommandDefinition {
  return definition;
}

/** Option values arrive as unknown; these read them with the right type. */
export function stringOption(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(options: Record<string, unknown>, key: string): string[] {
  const value = options[key];
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  // Accept both `--region a --region b` and `--region a,b`.
  return raw
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function boolOption(options: Record<string, unknown>, key: string): boolean {
  return options[key] === true;
}
