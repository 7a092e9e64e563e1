import type { AnyCommand } from './command.js';
import { OUTPUT_OPTIONS, type OptionDecl } from './options.js';

/** One option as a shell completes it. */
export interface CompletionOption {
  /** `--runtime`, `--no-cache`. */
  long: string;
  /** `-y`, when it has one. */
  short?: string;
  description: string;
  /** Takes a value (`--out <dir>`). */
  takesValue: boolean;
  /** Given several times (`--region a --region b`). */
  repeatable: boolean;
  /** The fixed values of a choice (`--pull missing|always|never`). */
  choices?: readonly string[];
  /** What the value is, when it names a file or a folder. */
  valueKind?: 'file' | 'dir';
}

/** A command (or sub-command) with its options and sub-commands, as every shell's script needs it. */
export interface CompletionCommand {
  /** The words that lead to it: [] for layerforge itself, ['base', 'build'] for `base build`. */
  path: string[];
  name: string;
  summary: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** Its positional arguments complete file names (`inspect <zip>`, `audit <path>`). */
  filesAsArguments: boolean;
}

/** Placeholders that name a file or folder: their values complete from the file system. */
const FILE_WORDS = /^(file|path|zip|layer|target)$/;
const DIR_WORDS = /^(dir|function-dir)$/;

/** Words a generated script holds bare (names, options, choices): checked, never escaped by luck. */
export const SAFE_WORD = /^-{0,2}[A-Za-z0-9][A-Za-z0-9._:+/-]*$/;

function safe(word: string, what: string): string {
  if (!SAFE_WORD.test(word)) throw new Error(`${what} "${word}" cannot go into a completion script as is`);
  return word;
}

function parseFlags(flags: string): { long: string; short?: string; placeholder?: string } {
  const long = /--[a-z0-9][a-z0-9-]*/.exec(flags)?.[0];
  if (!long) throw new Error(`option "${flags}" has no long form`);
  const short = /(^|[\s,])(-[A-Za-z])\b/.exec(flags)?.[2];
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1];
  return { long, ...(short ? { short } : {}), ...(placeholder ? { placeholder } : {}) };
}

function valueKind(placeholder: string | undefined): 'file' | 'dir' | undefined {
  if (placeholder === undefined) return undefined;
  // `<zip|recipe>`, `<file|->`: a file when any of the alternatives is one.
  const words = placeholder.replace(/\.\.\.$/, '').split('|');
  if (words.some((w) => DIR_WORDS.test(w))) return 'dir';
  if (words.some((w) => FILE_WORDS.test(w))) return 'file';
  return undefined;
}

export function completionOption(decl: OptionDecl): CompletionOption {
  const { long, short, placeholder } = parseFlags(decl.flags);
  const kind = valueKind(placeholder);
  return {
    long: safe(long, 'option'),
    ...(short ? { short: safe(short, 'option') } : {}),
    description: decl.description,
    takesValue: placeholder !== undefined,
    repeatable: decl.kind === 'list',
    ...(decl.kind === 'choice' ? { choices: decl.choices.map((c) => safe(c, 'choice')) } : {}),
    ...(kind ? { valueKind: kind } : {}),
  };
}

const HELP_OPTION: CompletionOption = {
  long: '--help',
  short: '-h',
  description: 'display help for command',
  takesValue: false,
  repeatable: false,
};

/** The tree a completion script is generated from: every command the registry loads, as the CLI builds it. */
export function completionCommand(definition: AnyCommand, parent: string[]): CompletionCommand {
  const [name = '', ...args] = definition.name.split(' ');
  const path = [...parent, safe(name, 'command')];
  const declared = Object.values((definition.options ?? {}) as Record<string, OptionDecl>).flatMap((decl) =>
    decl.kind === 'text-or-off'
      ? [
          completionOption(decl),
          completionOption({ kind: 'negated', flags: decl.offFlags, description: decl.offDescription }),
        ]
      : [completionOption(decl)],
  );
  const subcommands = (definition.subcommands ?? []).map((sub) => completionCommand(sub, path));
  // As src/cli.ts adds them: the output options unless the command says not, commander's --help everywhere.
  const output = definition.json !== false ? Object.values(OUTPUT_OPTIONS).map(completionOption) : [];
  const options = [...output, ...declared, HELP_OPTION];
  return {
    path,
    name,
    summary: definition.summary,
    options,
    subcommands,
    filesAsArguments: args.some((a) => valueKind(a.replace(/[<>[\]]/g, '')) !== undefined),
  };
}

/** layerforge itself: its global options and every registered command. */
export function completionRoot(commands: readonly AnyCommand[]): CompletionCommand {
  return {
    path: [],
    name: 'layerforge',
    summary: 'Build AWS Lambda layers with native dependencies',
    options: [
      {
        long: '--version',
        short: '-V',
        description: 'output the version number',
        takesValue: false,
        repeatable: false,
      },
      {
        long: '--debug',
        description: 'show stack traces for internal errors',
        takesValue: false,
        repeatable: false,
      },
      HELP_OPTION,
    ],
    subcommands: commands.map((c) => completionCommand(c, [])),
    filesAsArguments: false,
  };
}

/** Every command of the tree, depth first, layerforge itself first. */
export function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
