import { distance } from 'fastest-levenshtein';
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';

/** One problem in a YAML file, positioned for an editor: `file:line:col`. */
export interface PositionedIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, e.g. `install.sources[0].sha256`; empty for the whole document. */
  path: string;
  message: string;
  hint?: string;
}

export function formatIssue(issue: PositionedIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

export interface ParsedYaml {
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** Syntax errors, already positioned. */
  syntaxIssues: PositionedIssue[];
}

export function parseYamlWithPositions(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxIssues = [...document.errors].map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: '',
      message: `YAML syntax: ${error.message.split('\n')[0] ?? error.code}`,
      hint: error.code === 'DUPLICATE_KEY' ? 'remove one of the duplicated keys' : 'check indentation and quoting',
    };
  });
  return { document, lineCounter, syntaxIssues };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** The deepest node along `path` that exists, so a missing field points at its parent. */
function nodeAt(document: Document.Parsed, path: readonly PropertyKey[]): { node: Node | undefined; found: boolean } {
  let current: unknown = document.contents;
  for (const key of path) {
    if (!isNode(current) || !('get' in current)) return { node: isNode(current) ? current : undefined, found: false };
    const next: unknown = (current as { get(k: unknown, keep: boolean): unknown }).get(key, true);
    if (next === undefined) return { node: current, found: false };
    current = next;
  }
  return { node: isNode(current) ? current : undefined, found: true };
}

/** The key node of `key` in the map at `path`: unknown keys are reported where they are written. */
function keyNode(document: Document.Parsed, path: readonly PropertyKey[], key: string): Node | undefined {
  const { node } = nodeAt(document, path);
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** Maps zod issues onto the YAML source, one positioned issue per problem. */
export function positionZodIssues(
  file: string,
  parsed: ParsedYaml,
  issues: readonly z.core.$ZodIssue[],
  knownKeys: (path: readonly PropertyKey[]) => string[],
): PositionedIssue[] {
  const { document, lineCounter } = parsed;
  const at = (node: Node | undefined) => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const out: PositionedIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const near = known.filter((k) => distance(k, key) <= Math.max(2, Math.floor(key.length / 3)));
        out.push({
          file,
          ...at(keyNode(document, issue.path, key) ?? nodeAt(document, issue.path).node),
          path: formatPath([...issue.path, key]),
          message: `unknown field "${key}"`,
          hint: near.length > 0 ? `did you mean "${near[0]}"?` : `allowed here: ${known.join(', ')}`,
        });
      }
      continue;
    }
    const { node, found } = nodeAt(document, issue.path);
    const value = found && isScalar(node) ? node.value : found ? node?.toJSON() : undefined;
    const missing = !found;
    let message = issue.message;
    if (issue.code === 'invalid_type' && missing) message = `missing required field (${issue.message.replace(/, received undefined$/, '')})`;
    else if (!message.includes('received')) message = `${message}, got ${describeReceived(value)}`;
    out.push({ file, ...at(node), path: formatPath(issue.path), message });
  }
  return out;
}
