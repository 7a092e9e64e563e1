import type { z } from 'zod';
import { readUntrustedTextFile, UntrustedFileError } from '../fs/read-untrusted-file.js';
import { InvalidFileError } from './invalid-file-error.js';
import type { FieldIssue, PositionedIssue } from './issue.js';
import { precompiledValue, type PrecompiledKind } from './precompiled.js';
import type { IssueContext } from './zod-issues.js';

export interface ParseYamlOptions {
  /** A hint specific to this format (close runtime ids, sha256 casing ...). */
  hint?(context: IssueContext): string | undefined;
  /** What to tell someone whose file is empty. */
  emptyHint?: string;
  /** The committed JSON Schema that describes this file, named in hints. */
  schemaFile?: string;
  /** What the file is, in messages about its size or type: "recipe", "config file" ... */
  what?: string;
  /** What the file is in the bundle's table of data files validated in advance (./precompiled.ts). */
  precompiled?: PrecompiledKind;
}

export interface ParsedYamlFile<T> {
  value: T;
  /**
   * Issues found after the schema, positioned at their fields. A file the bundle validated in
   * advance is parsed here (and the YAML parser loaded) only when there is an issue to position.
   */
  positionIssues(issues: readonly FieldIssue[]): Promise<PositionedIssue[]>;
}

/** The parser with positions, its safety checks and the schema's issues: loaded on a table miss only. */
async function yamlTools() {
  const [positions, safety, zodIssues, schemaKeys] = await Promise.all([
    import('./positions.js'),
    import('./safety.js'),
    import('./zod-issues.js'),
    import('./schema-keys.js'),
  ]);
  return { ...positions, ...safety, ...zodIssues, ...schemaKeys };
}

/**
 * Reads, parses and validates a YAML file against a zod schema (or a function loading it, for a
 * schema a precompiled file never needs). Every problem (syntax, unknown or missing field, wrong
 * value) is thrown as one InvalidFileError positioned at `file:line:col`.
 */
export async function parseYamlFile<T extends z.ZodType>(
  file: string,
  schema: T | (() => Promise<T>),
  displayName = file,
  options: ParseYamlOptions = {},
): Promise<ParsedYamlFile<z.infer<T>>> {
  let text: string;
  try {
    text = await readUntrustedTextFile(file, { displayName, what: options.what });
  } catch (error) {
    if (error instanceof UntrustedFileError) throw new InvalidFileError([error.issue], options.schemaFile);
    throw error;
  }
  if (options.precompiled) {
    const hit = precompiledValue(options.precompiled, text);
    // The table holds only files that passed every check below, so a hit skips them all.
    if (hit) {
      return {
        value: hit.value as z.infer<T>,
        positionIssues: async (issues) => {
          if (issues.length === 0) return [];
          const { parseYamlWithPositions, positionFieldIssues } = await import('./positions.js');
          return positionFieldIssues(parseYamlWithPositions(displayName, text), issues);
        },
      };
    }
  }
  const {
    rawControlIssue,
    nestingIssue,
    parseYamlWithPositions,
    unsafeYamlIssues,
    toJsSafely,
    positionZodIssues,
    objectKeysAt,
    positionFieldIssues,
  } = await yamlTools();
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
  const validator = typeof schema === 'function' ? await schema() : schema;
  const result = validator.safeParse(js.value);
  if (!result.success) {
    const issues = positionZodIssues(parsed, result.error.issues, {
      knownKeys: (path) => objectKeysAt(validator, path),
      ...(options.hint ? { hint: options.hint } : {}),
    });
    throw new InvalidFileError(issues, options.schemaFile);
  }
  return {
    value: result.data,
    positionIssues: (issues) => Promise.resolve(positionFieldIssues(parsed, issues)),
  };
}
