/**
 * Text from data (recipes, zips, engine logs, AWS answers) on its way to a terminal. A terminal
 * obeys what it prints: ESC and CSI start commands that clear the screen, set the window title
 * (OSC) or rewrite the clipboard, a CR lets a later line hide an earlier one, and the Unicode
 * bidi overrides make a line read in another order than its bytes ("Trojan Source"). Each such
 * character is shown as a visible escape instead, so the reader sees what the data holds.
 */

// Matching control characters is this module's purpose, not a typo in a pattern.
/* eslint-disable no-control-regex */
/** C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same, minus the line break and tab of multi-line output. */
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  const hex = code.toString(16).padStart(2, '0');
  return code < 0x100 ? `\\x${hex}` : `\\u${hex}`;
}

/** JSON's spelling, so an escaped JSON document still parses to the same value. */
function jsonEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * One field (a name, a summary, a path, a link target) safe to print: every control and bidi
 * character becomes a visible escape such as `\x1b`, `\n` or `\u202e`, so the field stays on
 * one line and cannot drive the terminal.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * Multi-line output safe to print: like {@link terminalText}, but its line breaks and tabs
 * stay. Use it where a newline is meant (a table, a log); escape each field with
 * `terminalText` first when a newline inside a field would forge a line.
 */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, visible);
}

/**
 * `JSON.stringify` that is also safe on a terminal. JSON.stringify escapes C0 controls but
 * leaves DEL, C1 controls (U+009B is a CSI on many terminals) and bidi overrides raw; these
 * become `\u` escapes too, which a JSON reader turns back into the exact value.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return jsonSafe(JSON.stringify(value, null, indent));
}

/**
 * Text that may be JSON (a function's response) safe to print while staying JSON: every
 * control but the line break and tab becomes a `\u` escape, the same value for a JSON reader.
 */
export function jsonSafe(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, jsonEscape);
}
