import { z } from 'zod';
import { UserError } from '../errors.js';
import { readUntrustedTextFile, UntrustedFileError } from '../fs/read-untrusted-file.js';
import {
  formatIssue,
  parseYamlWithPositions,
  type FieldPath,
  type ParsedYaml,
  type PositionedIssue,
} from '../yaml-positions.js';
import { nestingIssue, rawControlIssue, toJsSafely, unsafeYamlIssues } from '../yaml-safety.js';
import { positionZodIssues, type IssueContext } from './zod-issues.js';

/**
 * A recipe or config file with one or more problems: exit 2, nothing started or written.
 * One problem reads as `error: file:line:col: path: message` plus its hint; several are listed
 * in file order, each with its own hint.
 */
export class InvalidFileError extends UserError {
  readonly issues: PositionedIssue[];
  constructor(issues: PositionedIssue[], schemaFile = 'schema/recipe.schema.json') {
    const [first] = issues;
    const editorHint = `editors check the file as you type with the JSON Schema ${schemaFile}`;
    if (issues.length <= 1 || first === undefined) {
      super(first ? formatIssue(first) : 'invalid file', { hint: first?.hint ?? editorHint });
    } else {
      super(`${first.file} has ${issues.length} problems`, {
        hint: editorHint,
        details: issues.flatMap((i) => [formatIssue(i), ...(i.hint ? [`  hint: ${i.hint}`] : [])]),
      });
    }
    this.name = 'InvalidFileError';
    this.issues = issues;
  }
}

/** Unwraps optional/default/nullable/pipe layers down to the schema that holds the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else break;
  }
  return current;
}

/** The first object among a union's options, so `script: { al2023: ... }` gets key hints too. */
function objectOf(schema: z.ZodType): z.ZodObject | undefined {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) return node;
  if (node instanceof z.ZodUnion) {
    for (const option of node.options as readonly z.ZodType[]) {
      const found = objectOf(option);
      if (found) return found;
    }
  }
  return undefined;
}

/** The keys an object schema allows at `path`, for "did you mean" hints on unknown fields. */
export function objectKeysAt(schema: z.ZodType, path: FieldPath): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    if (current === undefined) return [];
    const node = unwrap(current);
    if (typeof key === 'number' && node instanceof z.ZodArray) current = node.element as z.ZodType;
    else if (typeof key === 'string') current = objectOf(node)?.shape[key] as z.ZodType | undefined;
    else return [];
  }
  const target = current === undefined ? undefined : objectOf(current);
  return target ? Object.keys(target.shape) : [];
}

export interface ParseYamlOptions {
  /** A hint specific to this format (close runtime ids, sha256 casing ...). */
  hint?(context: IssueContext): string | undefined;
  /** What to tell someone whose file is empty. */
  emptyHint?: string;
  /** The committed JSON Schema that describes this file, named in hints. */
  schemaFile?: string;
  /** What the file is, in messages about its size or type: "recipe", "config file" ... */
  what?: string;
}

/**
 * Reads, parses and validates a YAML file against a zod schema. Every problem (syntax, unknown
 * or missing field, wrong value) is thrown as one InvalidFileError positioned at `file:line:col`.
 */
export async function parseYamlFile<T extends z.ZodType>(
  file: string,
  schema: T,
  displayName = file,
  options: ParseYamlOptions = {},
): Promise<{ value: z.infer<T>; parsed: ParsedYaml }> {
  let text: string;
  try {
    text = await readUntrustedTextFile(file, { displayName, what: options.what });
  } catch (error) {
    if (error instanceof UntrustedFileError) throw new InvalidFileError([error.issue], options.schemaFile);
    throw error;
  }
  const raw = rawControlIssue(displayName, text) ?? nestingIssue(displayName, text);
  if (raw) throw new InvalidFileError([raw], options.schemaFile);
  const parsed = parseYamlWithPositions(displayName, text);
  if (parsed.syntaxIssues.length > 0) throw new InvalidFileError(parsed.syntaxIssues, options.schemaFile);
  if (parsed.document.contents === null) {
    const issue = { file: displayName, line: 1, column: 1, path: '', message: 'the file is empty' };
    throw new InvalidFileError([
      { ...issue, hint: options.emptyHint ?? 'see the JSON Schema for its fields' },
    ]);
  }
  const unsafe = unsafeYamlIssues(parsed);
  if (unsafe.length > 0) throw new InvalidFileError(unsafe, options.schemaFile);
  const js = toJsSafely(parsed);
  if ('issue' in js) throw new InvalidFileError([js.issue], options.schemaFile);
  const result = schema.safeParse(js.value);
  if (!result.success) {
    const issues = positionZodIssues(parsed, result.error.issues, {
      knownKeys: (path) => objectKeysAt(schema, path),
      ...(options.hint ? { hint: options.hint } : {}),
    });
    throw new InvalidFileError(issues, options.schemaFile);
  }
  return { value: result.data, parsed };
}
