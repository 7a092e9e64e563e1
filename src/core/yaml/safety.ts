import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { formatPath, lineColumn, type ParsedYaml, type PositionedIssue } from './positions.js';

/**
 * How many alias expansions a file may cause. Recipes rarely use anchors at all; a "billion
 * laughs" file needs millions. Past this the yaml package refuses with a ReferenceError.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** C0 controls but tab and newline, DEL and the C1 controls: they drive terminals when printed. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

const CONTROL_NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL',
  0x08: 'BS',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x9b: 'CSI',
};

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const name = CONTROL_NAMES[code];
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` (${name})` : ''}`;
}

type Path = (string | number)[];

/** Where the control character is in the source when it is written raw, else the scalar's start. */
function controlPosition(parsed: ParsedYaml, node: Node, char: string): { line: number; column: number } {
  const [start, end] = node.range ?? [0, 0];
  const at = parsed.text.indexOf(char, start);
  const offset = at >= 0 && at < end ? at : start;
  const pos = parsed.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * What the parser accepts but a recipe or config must not hold: keys that are lists or mappings
 * (JavaScript would stringify them, with a Node warning on stderr) and control characters in
 * keys or values (printed later, they would drive the user's terminal). Positioned, in file order.
 */
export function unsafeYamlIssues(parsed: ParsedYaml): PositionedIssue[] {
  const issues: PositionedIssue[] = [];
  const add = (at: { line: number; column: number }, path: Path, message: string, hint: string) =>
    issues.push({ file: parsed.file, ...at, path: formatPath(path), message, hint });

  const checkScalar = (node: Node, path: Path) => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const match = CONTROL.exec(node.value);
    if (!match) return;
    add(
      controlPosition(parsed, node, match[0]),
      path,
      `control character ${describe(match[0])} is not allowed`,
      'remove it: values are printed to terminals, where control characters act as commands',
    );
  };

  const visit = (node: unknown, path: Path, depth: number): void => {
    // Deeper than any real recipe; bounded so hostile nesting cannot exhaust the stack.
    if (depth > 64) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          add(
            lineColumn(parsed, key),
            path,
            isAlias(key) ? 'a key cannot be an alias' : 'a key must be a plain string, not a list or mapping',
            'write the key as plain text, e.g. name:',
          );
          continue;
        }
        const name = key === null ? '' : String(key.value);
        // A bad key is reported at its parent's path: the path must not carry the character.
        if (key !== null) checkScalar(key, path);
        visit(pair.value, [...path, name], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i], depth + 1));
    } else if (isScalar(node)) {
      checkScalar(node, path);
    }
  };
  visit(parsed.document.contents, [], 0);
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The first alias in the file: where an alias bomb is reported. */
function firstAlias(parsed: ParsedYaml): Node | undefined {
  let found: Node | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (found || depth > 64) return;
    if (isAlias(node)) found = node;
    else if (isMap(node)) node.items.forEach((p) => (visit(p.key, depth + 1), visit(p.value, depth + 1)));
    else if (isSeq(node)) node.items.forEach((item) => visit(item, depth + 1));
  };
  visit(parsed.document.contents, 0);
  return found;
}

/**
 * The document as plain JavaScript, with aliases capped: an alias bomb becomes a positioned
 * issue instead of an exhausted process or an "internal error".
 */
export function toJsSafely(parsed: ParsedYaml): { value: unknown } | { issue: PositionedIssue } {
  try {
    return { value: parsed.document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) };
  } catch (error) {
    if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
    const alias = firstAlias(parsed);
    const excessive = error.message.startsWith('Excessive alias count');
    return {
      issue: {
        file: parsed.file,
        ...lineColumn(parsed, alias),
        path: '',
        message: excessive
          ? `aliases expand past ${MAX_YAML_ALIAS_COUNT} copies (an alias bomb)`
          : error instanceof RangeError
            ? 'the file is nested too deeply to read'
            : `YAML error: ${error.message}`,
        hint: excessive ? 'write the values out instead of repeating anchors' : 'simplify the file',
      },
    };
  }
}

/** Raw characters YAML itself does not allow in a stream: C0 but tab and line breaks, DEL, C1 but NEL. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/u;

/**
 * The first raw control character in the text, positioned: refused before parsing, so no
 * parser message or field path can carry it to the terminal.
 */
export function rawControlIssue(file: string, text: string): PositionedIssue | undefined {
  const match = RAW_CONTROL.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index).split('\n');
  return {
    file,
    line: before.length,
    column: [...(before[before.length - 1] ?? '')].length + 1,
    path: '',
    message: `control character ${describe(match[0])} is not allowed`,
    hint: 'remove it: values are printed to terminals, where control characters act as commands',
  };
}

/** Deeper than any real recipe or config; far below what makes the parser slow. */
export const MAX_YAML_NESTING = 64;

/**
 * Refuses absurd nesting before the parser sees it: half a million `[` (or `- - - …` on one
 * line) take the yaml package seconds and end in a stack overflow. A cheap scan that skips
 * quoted strings and comments; a plain scalar's stray `[` counts too, harmless below the cap.
 */
export function nestingIssue(file: string, text: string): PositionedIssue | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  const issue = (offset: number): PositionedIssue => ({
    file,
    line,
    column: [...text.slice(lineStart, offset)].length + 1,
    path: '',
    message: `the file nests more than ${MAX_YAML_NESTING} levels deep`,
    hint: 'a recipe or config is a few levels deep: check that this is the file you meant',
  });
  // Block indicators that open a collection on the same line: "- - - a", "? - a".
  const tooManyIndicators = (start: number) => {
    const head = /^[ \t]*(?:[-?:][ \t]+)*/.exec(text.slice(start, start + 4 * MAX_YAML_NESTING + 8));
    return head !== null && head[0].replace(/[ \t]/g, '').length > MAX_YAML_NESTING;
  };
  if (tooManyIndicators(0)) return issue(0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      if (tooManyIndicators(i + 1)) return issue(i + 1);
    } else if (c === '"' || c === "'") {
      // Skip the quoted string (escapes: \" in double quotes, '' in single quotes).
      for (i++; i < text.length && text[i] !== c; i++) {
        if (c === '"' && text[i] === '\\') i++;
        if (text[i] === '\n') [line, lineStart] = [line + 1, i + 1];
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_YAML_NESTING) return issue(i);
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
