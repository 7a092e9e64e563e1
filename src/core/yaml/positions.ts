import {
  LineCounter,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { formatPath, type FieldIssue, type FieldPath, type PositionedIssue } from './issue.js';

// The parts that need no YAML parser live in ./issue.ts (loaded without it); re-exported here.
export { formatIssue, formatPath, type FieldIssue, type FieldPath, type PositionedIssue } from './issue.js';

/** A parsed YAML file that still knows where every node came from. */
export interface ParsedYaml {
  file: string;
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** Syntax errors (duplicate keys included), already positioned. */
  syntaxIssues: PositionedIssue[];
}

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs',
  MULTIPLE_DOCS: 'keep one document per file: remove the `---` line',
  MISSING_CHAR: 'close the quote or bracket opened here',
  BAD_INDENT: 'align the keys of one mapping at the same column',
  BLOCK_AS_IMPLICIT_KEY:
    'a nested mapping goes on the lines below its key, indented; quote a value that holds ": "',
};

/** Parser messages that name the library's API rather than the problem. */
const SYNTAX_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document',
  MISSING_CHAR: 'an opening quote or bracket is never closed',
};

type Visit = (node: Node, path: PropertyKey[], key?: Node) => void;

/** Calls `visit` for every node with its field path; mapping values also get their key node. */
function walk(node: unknown, path: PropertyKey[], visit: Visit): void {
  if (isMap(node)) {
    visit(node, path);
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key : undefined;
      const childPath = [...path, key ? String(key.value) : '?'];
      if (key) visit(key, childPath, key);
      walk(pair.value, childPath, visit);
    }
  } else if (isSeq(node)) {
    visit(node, path);
    node.items.forEach((item, i) => walk(item, [...path, i], visit));
  } else if (isNode(node)) {
    visit(node, path);
  }
}

function isFlowOrQuoted(node: Node): boolean {
  if (isMap(node) || isSeq(node)) return node.flow === true;
  return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

/** Positions one parser error where a reader would fix it, not merely where the parser stopped. */
function positionSyntaxError(
  file: string,
  text: string,
  document: Document.Parsed,
  lineCounter: LineCounter,
  error: { code: string; message: string; pos: [number, number] },
): PositionedIssue {
  let offset = error.pos[0];
  let path: PropertyKey[] = [];
  let message = `YAML syntax error: ${SYNTAX_MESSAGES[error.code] ?? error.message.split('\n')[0] ?? error.code}`;
  let hint = SYNTAX_HINTS[error.code] ?? 'check the indentation and quoting around this position';
  if (error.code === 'DUPLICATE_KEY') {
    // The parser keeps both pairs: find the repeated key node and the first one's line.
    let first: number | undefined;
    walk(document.contents, [], (node, nodePath, key) => {
      if (!key?.range || key.range[0] !== error.pos[0]) return;
      path = nodePath;
      walk(document.contents, [], (other, otherPath, otherKey) => {
        if (
          first === undefined &&
          otherKey &&
          otherKey !== key &&
          formatPath(otherPath) === formatPath(nodePath)
        ) {
          first = lineCounter.linePos(other.range?.[0] ?? 0).line;
        }
      });
    });
    const name = String(path[path.length - 1] ?? text.slice(error.pos[0], error.pos[1]));
    message = `duplicate key "${name}"`;
    hint =
      first === undefined
        ? 'keep one of them'
        : `"${name}" is already set on line ${first}: keep one of them`;
  } else if (error.code === 'MISSING_CHAR' || /^Flow (sequence|map)/.test(error.message)) {
    // An unclosed quote or bracket is detected where the file ends; point at where it opens.
    let opener: Node | undefined;
    walk(document.contents, [], (node, nodePath) => {
      const range = node.range;
      if (!range || !isFlowOrQuoted(node) || range[0] >= offset || range[1] < offset) return;
      if (!opener?.range || range[0] > opener.range[0]) [opener, path] = [node, nodePath];
    });
    if (opener?.range) {
      offset = opener.range[0];
      hint = isScalar(opener)
        ? 'close the quote opened here'
        : `close the ${isSeq(opener) ? '[' : '{'} opened here with ${isSeq(opener) ? ']' : '}'}`;
    }
  }
  // Indentation errors start at the line's first column: point at the offending key instead.
  while (text[offset] === ' ') offset++;
  const pos = lineCounter.linePos(offset);
  return { file, line: pos.line, column: pos.col, path: formatPath(path), message, hint };
}

export function parseYamlWithPositions(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxIssues = document.errors.map((error) =>
    positionSyntaxError(file, text, document, lineCounter, error),
  );
  return { file, text, document, lineCounter, syntaxIssues };
}

/** The node at `path`, or the deepest one that exists: a missing field points at its parent mapping. */
export function nodeAt(parsed: ParsedYaml, path: FieldPath): { node: Node | undefined; found: boolean } {
  let current: unknown = parsed.document.contents ?? undefined;
  for (const key of path) {
    if (!isMap(current) && !isSeq(current))
      return { node: isNode(current) ? current : undefined, found: false };
    const next: unknown = current.get(key, true);
    if (next === undefined) return { node: current, found: false };
    current = next;
  }
  return { node: isNode(current) ? current : undefined, found: isNode(current) };
}

/** The key node of `key` in the mapping at `path`: unknown keys are reported where they are written. */
export function keyNode(parsed: ParsedYaml, path: FieldPath, key: string): Node | undefined {
  const { node } = nodeAt(parsed, path);
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

/** 1-based line and column where `node` starts (1:1 without a node). */
export function lineColumn(parsed: ParsedYaml, node: Node | undefined): { line: number; column: number } {
  const pos = parsed.lineCounter.linePos(node?.range?.[0] ?? 0);
  return { line: pos.line, column: pos.col };
}

/** Where the field at `path` is written (or its nearest existing parent). */
export function positionOf(parsed: ParsedYaml, path: FieldPath): { line: number; column: number } {
  return lineColumn(parsed, nodeAt(parsed, path).node);
}

/** Issues found after the schema, each positioned at its field. */
export function positionFieldIssues(parsed: ParsedYaml, issues: readonly FieldIssue[]): PositionedIssue[] {
  return issues.map(({ path, message, hint }) => ({
    file: parsed.file,
    ...positionOf(parsed, path),
    path: formatPath(path),
    message,
    ...(hint === undefined ? {} : { hint }),
  }));
}
