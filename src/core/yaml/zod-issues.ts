import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import {
  formatPath,
  keyNode,
  lineColumn,
  nodeAt,
  type FieldPath,
  type ParsedYaml,
  type PositionedIssue,
} from './positions.js';
import { closeMatches } from './close-matches.js';

/** A zod issue with what the YAML says at its path: input for hints. */
export interface IssueContext {
  issue: z.core.$ZodIssue;
  path: FieldPath;
  /** The value as written, undefined when the field is missing. */
  value: unknown;
  found: boolean;
}

export interface PositionOptions {
  /** The keys an object allows at `path`, for "did you mean" on unknown fields. */
  knownKeys(path: FieldPath): string[];
  /** A hint specific to this file's format, e.g. close runtime ids; undefined for the generic one. */
  hint?(context: IssueContext): string | undefined;
}

/** Maps zod issues onto the YAML source: one positioned, readable issue per problem, in file order. */
export function positionZodIssues(
  parsed: ParsedYaml,
  issues: readonly z.core.$ZodIssue[],
  options: PositionOptions,
): PositionedIssue[] {
  const file = parsed.file;
  const out: PositionedIssue[] = [];
  // A misspelt key explains its required twin being missing: report it once, as the misspelling.
  const explainedMissing = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = options.knownKeys(issue.path);
    for (const key of issue.keys) {
      const near = closeMatches(key, known);
      const missingTwin = near.find(
        (k) => !issue.keys.includes(k) && nodeAt(parsed, [...issue.path, k]).found === false,
      );
      if (missingTwin !== undefined) explainedMissing.add(formatPath([...issue.path, missingTwin]));
      out.push({
        file,
        ...lineColumn(parsed, keyNode(parsed, issue.path, key) ?? nodeAt(parsed, issue.path).node),
        path: formatPath([...issue.path, key]),
        message: `unknown field "${key}"`,
        hint: near.length > 0 ? `did you mean "${near[0]}"?` : `allowed here: ${known.join(', ')}`,
      });
    }
  }
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const path = formatPath(issue.path);
    const { node, found } = nodeAt(parsed, issue.path);
    if (!found && explainedMissing.has(path)) continue;
    const value = found ? nodeValue(node) : undefined;
    const context: IssueContext = { issue, path: issue.path, value, found };
    const hint = options.hint?.(context) ?? genericHint(context);
    out.push({
      file,
      ...lineColumn(parsed, node),
      path,
      message: describeIssue(
        context,
        found ? describeNode(parsed, node, issue.code === 'invalid_type') : undefined,
      ),
      ...(hint === undefined ? {} : { hint }),
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

function nodeValue(node: Node | undefined): unknown {
  if (node === undefined) return undefined;
  return isScalar(node) ? node.value : node.toJSON();
}

/** What was written, in words: `a list`, `a string ("abc")`, `"abc"`. */
function describeNode(parsed: ParsedYaml, node: Node | undefined, withKind: boolean): string {
  if (isSeq(node)) return node.items.length === 0 ? 'an empty list' : 'a list';
  if (isMap(node)) return node.items.length === 0 ? 'an empty mapping' : 'a mapping';
  if (!isScalar(node) || node.value === null || node.value === undefined) return 'an empty value';
  const range = node.range;
  const raw = range ? parsed.text.slice(range[0], range[1]).trim() : String(node.value);
  const shown = raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
  if (typeof node.value === 'string') {
    const quoted = /^["']/.test(shown) ? shown : JSON.stringify(shown);
    return withKind ? `a string (${quoted})` : quoted;
  }
  if (typeof node.value === 'number') return withKind ? `a number (${shown})` : shown;
  return shown;
}

const KIND_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** zod's own messages start with a capital ("Invalid input: ..."); ours are written lowercase. */
function isOwnMessage(message: string): boolean {
  return message.length > 0 && message[0] === message[0]?.toLowerCase();
}

function expectation(issue: z.core.$ZodIssue): string {
  if (isOwnMessage(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KIND_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array')
        return issue.minimum === 1
          ? 'expected at least one item'
          : `expected at least ${issue.minimum} items`;
      if (issue.origin === 'string')
        return issue.minimum === 1
          ? 'expected non-empty text'
          : `expected at least ${issue.minimum} characters`;
      return `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `expected at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters`;
      return `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern) return `expected text matching ${issue.pattern}`;
      return `expected ${issue.format === 'url' ? 'a URL' : `text in ${issue.format} format`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union':
      return 'expected one of the allowed forms (see the JSON Schema)';
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    default:
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  }
}

function describeIssue(context: IssueContext, written: string | undefined): string {
  const { issue, path, found } = context;
  const expected = expectation(issue);
  if (!found) {
    const field = path[path.length - 1];
    const name = field === undefined ? 'content' : `field "${String(field)}"`;
    return `missing required ${name}: ${expected}`;
  }
  // "got ..." completes an "expected ..." sentence; a rule stated otherwise ("either url or
  // path, not both") or one that already quotes the value reads better alone.
  if (
    written === undefined ||
    !expected.startsWith('expected') ||
    expected.includes(written) ||
    (issue.code === 'custom' && /(list|mapping)$/.test(written))
  ) {
    return expected;
  }
  return `${expected}, got ${written}`;
}

function genericHint({ issue, value, path, found }: IssueContext): string | undefined {
  const key = path[path.length - 1];
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    const near = closeMatches(value, issue.values.map(String));
    return near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined;
  }
  if (issue.code === 'invalid_type' && found && issue.expected === 'array' && typeof key === 'string') {
    if (value !== null && typeof value !== 'object') return `write a list, e.g. ${key}: [${String(value)}]`;
  }
  if (issue.code === 'invalid_type' && found && value === null && typeof key === 'string') {
    return `"${key}:" has no value: give it one`;
  }
  return undefined;
}
