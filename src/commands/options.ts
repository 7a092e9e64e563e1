import { Option } from 'commander';
import { UserError } from '../core/errors.js';

/**
 * Command options declared as data whose values are typed from the declaration, so a command
 * reads `options.s3Bucket` as `string | undefined` and a mistyped key does not compile.
 * The key of each declaration is the camelCase name commander derives from its flag
 * (`--s3-bucket` → `s3Bucket`, `--no-cache` → `cache`); `cli.ts` refuses a mismatch.
 */
export type OptionDecl =
  | TextOption
  | TextOrOffOption
  | ListOption
  | SwitchOption
  | NegatedSwitchOption
  | CountOption
  | ChoiceOption<string>;

interface Declared {
  /** Commander flag syntax: `--out <dir>`, `--json`, `--no-cache`. */
  flags: string;
  description: string;
}

/** `--name <value>`: the last one given wins. */
export interface TextOption extends Declared {
  kind: 'text';
  default?: string;
}

/**
 * `--name <value>` with its `--no-name`, both keyed by the name: the value, false for `--no-name`,
 * undefined when neither is given (`--cache s3://…` beside `--no-cache`).
 */
export interface TextOrOffOption extends Declared {
  kind: 'text-or-off';
  /** `--no-name`. */
  offFlags: string;
  offDescription: string;
}

/**
 * `--name <value>` given any number of times, each value also split at commas, so both
 * `--region a --region b` and `--region a,b` work. Unlike a variadic `<value...>`, it never
 * swallows the positional arguments that follow it.
 */
export interface ListOption extends Declared {
  kind: 'list';
  /** false: a comma is part of the value (paths), so only repeating the flag gives several. */
  splitCommas: boolean;
}

/** `--name`: off unless given. */
export interface SwitchOption extends Declared {
  kind: 'switch';
}

/** `--no-name`: on unless given; the value is keyed by the name without `no-`. */
export interface NegatedSwitchOption extends Declared {
  kind: 'negated';
}

/** `--name <n>`: a whole number ≥ 1 (jobs, limits, repeats). */
export interface CountOption extends Declared {
  kind: 'count';
  default?: number;
}

/** `--name <value>` from a fixed list; anything else is a UserError naming the choices. */
export interface ChoiceOption<T extends string> extends Declared {
  kind: 'choice';
  choices: readonly T[];
  /** Shown when the value is not one of the choices. */
  hint?: string;
}

export type OptionTable = Readonly<Record<string, OptionDecl>>;

type ValueOf<D> = D extends TextOrOffOption
  ? string | false | undefined
  : D extends TextOption
    ? D extends { default: string }
      ? string
      : string | undefined
    : D extends ListOption
      ? string[]
      : D extends SwitchOption | NegatedSwitchOption
        ? boolean
        : D extends CountOption
          ? D extends { default: number }
            ? number
            : number | undefined
          : D extends ChoiceOption<infer T>
            ? T | undefined
            : never;

/** The values a command's `run` receives for its option table, plus `--json` and `--quiet`. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> } & {
  json: boolean;
  quiet: boolean;
};

export function text(flags: string, description: string): TextOption;
export function text(
  flags: string,
  description: string,
  defaultValue: string,
): TextOption & { default: string };
export function text(flags: string, description: string, defaultValue?: string): TextOption {
  return {
    kind: 'text',
    flags,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  };
}

export function textOrOff(
  flags: string,
  description: string,
  offFlags: string,
  offDescription: string,
): TextOrOffOption {
  return { kind: 'text-or-off', flags, description, offFlags, offDescription };
}

export function list(flags: string, description: string, splitCommas = true): ListOption {
  return { kind: 'list', flags, description, splitCommas };
}

export function flag(flags: string, description: string): SwitchOption {
  return { kind: 'switch', flags, description };
}

export function negated(flags: string, description: string): NegatedSwitchOption {
  return { kind: 'negated', flags, description };
}

export function count(flags: string, description: string): CountOption;
export function count(
  flags: string,
  description: string,
  defaultValue: number,
): CountOption & { default: number };
export function count(flags: string, description: string, defaultValue?: number): CountOption {
  return {
    kind: 'count',
    flags,
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  };
}

export function choice<const T extends string>(
  flags: string,
  description: string,
  choices: readonly T[],
  hint?: string,
): ChoiceOption<T> {
  return { kind: 'choice', flags, description, choices, ...(hint !== undefined ? { hint } : {}) };
}

/**
 * The options every command that prints takes (all but those declared with `json: false`): the
 * CLI adds them to each command and the completion scripts offer them, from this one list.
 */
export const OUTPUT_OPTIONS = {
  json: flag('--json', 'print machine-readable JSON'),
  quiet: flag('-q, --quiet', 'no progress: print only results, warnings and errors'),
} as const;

/** The commander option for a declaration; its attribute name must be the table's key. */
export function commanderOption(key: string, decl: OptionDecl): Option {
  const option = new Option(decl.flags, decl.description);
  if (option.attributeName() !== key) {
    throw new Error(
      `option "${decl.flags}" is declared as "${key}"; its key must be "${option.attributeName()}"`,
    );
  }
  if (decl.kind === 'list')
    option.argParser((value: string, previous: unknown) => [...asArray(previous), value]);
  // Defaults are applied by optionValues, so help shows them and the parsed value is typed.
  if ((decl.kind === 'text' || decl.kind === 'count') && decl.default !== undefined)
    option.default(decl.default);
  return option;
}

/** Every commander option of a declaration: its own, and the `--no-` one of a text-or-off option. */
export function commanderOptions(key: string, decl: OptionDecl): Option[] {
  const option = commanderOption(key, decl);
  if (decl.kind !== 'text-or-off') return [option];
  const off = new Option(decl.offFlags, decl.offDescription);
  if (off.attributeName() !== key)
    throw new Error(
      `option "${decl.offFlags}" is declared as "${key}"; its key must be "${off.attributeName()}"`,
    );
  return [option, off];
}

/** Turns commander's parsed values into the typed values a command's `run` receives. */
export function optionValues<T extends OptionTable>(
  table: T,
  parsed: Record<string, unknown>,
): OptionValues<T> {
  const values: Record<string, unknown> = { json: parsed.json === true, quiet: parsed.quiet === true };
  for (const [key, decl] of Object.entries(table)) values[key] = valueOf(decl, parsed[key]);
  return values as OptionValues<T>;
}

function valueOf(decl: OptionDecl, raw: unknown): unknown {
  switch (decl.kind) {
    case 'text':
      return typeof raw === 'string' ? raw : decl.default;
    case 'text-or-off':
      return raw === false ? false : typeof raw === 'string' ? raw : undefined;
    case 'list':
      return asArray(raw)
        .flatMap((v) => (decl.splitCommas ? String(v).split(',') : [String(v)]))
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
    case 'switch':
      return raw === true;
    case 'negated':
      return raw !== false;
    case 'count':
      return raw === undefined ? decl.default : wholeNumber(optionName(decl), raw);
    case 'choice':
      return raw === undefined ? undefined : oneOf(decl, String(raw));
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function optionName(decl: OptionDecl): string {
  return decl.flags.split(/[ ,]/).find((part) => part.startsWith('--')) ?? decl.flags;
}

function wholeNumber(name: string, raw: unknown): number {
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UserError(`${name} must be a whole number ≥ 1, got "${String(raw)}"`);
  return value;
}

function oneOf<T extends string>(decl: ChoiceOption<T>, value: string): T {
  if ((decl.choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${optionName(decl)} must be one of ${decl.choices.join(', ')}, got "${value}"`, {
    ...(decl.hint !== undefined ? { hint: decl.hint } : {}),
  });
}
