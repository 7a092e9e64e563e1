/**
 * A small reader of POSIX shell scripts for test fakes: which programs a script would start, in
 * order, with the line each starts on. It is no shell: it splits commands at newlines, `;`, `|`,
 * `&`, `&&`, `||`, parentheses, `$(` and backquotes (also inside double quotes), keeps quoted
 * text as literal words so a message that mentions `find` is not a run of it, skips comments
 * and here-documents, and looks past `if`, `then`, `do`, `!`, assignments, `command`, `env` and
 * `xargs`. Good enough to catch a recipe script that runs a tool the image lacks.
 */

/** One simple command: its words with quotes removed (a substitution reads `$(…)`). */
export interface ShellCommand {
  words: string[];
  /** 1-based line of the command's first word. */
  line: number;
  /** What ended it: `;`, `;;`, `|`, `)`, a newline …; case arms are told apart by it. */
  end: string;
}

/** A program a command starts, and the script it hands to a shell, if any. */
export interface ProgramRun {
  /** The program's name (`find` for `/usr/bin/find`). */
  program: string;
  /** The word as written: `/usr/bin/find`, `"$PY"`. */
  word: string;
  /** Every word from the program on: its arguments. */
  args: string[];
  line: number;
}

class Lexer {
  readonly commands: ShellCommand[] = [];
  /** Here-document delimiters whose bodies start after the current line. */
  private pendingHeredocs: string[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  private lineOf(index: number): number {
    let line = 0;
    while (line + 1 < this.lineStarts.length && (this.lineStarts[line + 1] ?? Infinity) <= index) line++;
    return line + 1;
  }

  /**
   * Reads commands from `pos` up to `stop` (the `)` of a `$(` at depth 0, or a closing backquote)
   * or the end of the text; returns the position after the stop.
   */
  read(pos: number, stop?: ')' | '`'): number {
    const text = this.text;
    let words: string[] = [];
    let word: string | undefined;
    let first = pos;
    let depth = 0;
    const append = (s: string, at: number) => {
      if (word === undefined) {
        word = '';
        if (words.length === 0) first = at;
      }
      word += s;
    };
    const endWord = () => {
      if (word !== undefined) words.push(word);
      word = undefined;
    };
    const endCommand = (end: string) => {
      endWord();
      // `;;` is kept even after no words: it ends a case arm.
      if (words.length > 0 || end === ';;') this.commands.push({ words, line: this.lineOf(first), end });
      words = [];
    };
    while (pos < text.length) {
      const c = text[pos] ?? '';
      const next = text[pos + 1] ?? '';
      if (stop === '`' && c === '`') {
        endCommand('`');
        return pos + 1;
      }
      if (stop === ')' && c === ')' && depth === 0) {
        endCommand('$()');
        return pos + 1;
      }
      if (c === '\\') {
        if (next !== '\n') append(next, pos);
        pos += 2;
      } else if (c === "'") {
        const end = text.indexOf("'", pos + 1);
        const close = end === -1 ? text.length : end;
        append(text.slice(pos + 1, close), pos);
        pos = close + 1;
      } else if (c === '"') {
        // "" is a word too, if an empty one.
        const at = pos;
        append('', at);
        pos = this.doubleQuoted(pos + 1, (s) => append(s, at));
      } else if (c === '$' && next === '(') {
        append('$(…)', pos);
        pos = this.read(pos + 2, ')');
      } else if (c === '$' && next === '{') {
        const end = closingBrace(text, pos + 2);
        append(text.slice(pos, end), pos);
        pos = end;
      } else if (c === '`') {
        append('`…`', pos);
        pos = this.read(pos + 1, '`');
      } else if (c === '#' && word === undefined) {
        while (pos < text.length && text[pos] !== '\n') pos++;
      } else if (c === '<' && next === '<' && text[pos + 2] !== '<') {
        endWord();
        pos = this.heredocStart(pos + 2);
      } else if (c === '\n') {
        endCommand('\n');
        pos = this.skipHeredocBodies(pos + 1);
      } else if (c === ' ' || c === '\t') {
        endWord();
        pos++;
      } else if (c === '&' && word !== undefined && /[<>]$/.test(word)) {
        // `2>&1`, `>&2`: a redirection, not a separator.
        append(c, pos);
        pos++;
      } else if (c === ';' || c === '|' || c === '&') {
        const end = next === c ? c + c : c;
        endCommand(end);
        pos += end.length;
      } else if (c === '(' || c === ')') {
        endCommand(c);
        depth += c === '(' ? 1 : -1;
        pos++;
      } else if ((c === '{' || c === '}') && word === undefined && /^[\s;]?$/.test(next)) {
        // A command group's braces.
        endCommand(c);
        pos++;
      } else {
        append(c, pos);
        pos++;
      }
    }
    endCommand('');
    return pos;
  }

  /** Reads a double-quoted string from `pos` (after its `"`); substitutions inside are commands too. */
  private doubleQuoted(pos: number, append: (s: string) => void): number {
    const text = this.text;
    while (pos < text.length) {
      const c = text[pos] ?? '';
      const next = text[pos + 1] ?? '';
      if (c === '"') return pos + 1;
      if (c === '\\' && '"\\$`\n'.includes(next)) {
        if (next !== '\n') append(next);
        pos += 2;
      } else if (c === '$' && next === '(') {
        append('$(…)');
        pos = this.read(pos + 2, ')');
      } else if (c === '`') {
        append('`…`');
        pos = this.read(pos + 1, '`');
      } else {
        append(c);
        pos++;
      }
    }
    return pos;
  }

  /** After `<<`: notes the delimiter (`<<-`, quoted or not); the body is skipped at the line's end. */
  private heredocStart(pos: number): number {
    const text = this.text;
    if (text[pos] === '-') pos++;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    const match = /^(['"]?)([\w.-]+)\1/.exec(text.slice(pos));
    if (!match) return pos;
    this.pendingHeredocs.push(match[2] ?? '');
    return pos + match[0].length;
  }

  private skipHeredocBodies(pos: number): number {
    const text = this.text;
    for (const delimiter of this.pendingHeredocs) {
      while (pos < text.length) {
        const end = text.indexOf('\n', pos);
        const line = text.slice(pos, end === -1 ? text.length : end);
        pos = end === -1 ? text.length : end + 1;
        if (line.replace(/^\t+/, '') === delimiter) break;
      }
    }
    this.pendingHeredocs = [];
    return pos;
  }
}

/** The index after the `}` that closes a `${` whose contents start at `pos`. */
function closingBrace(text: string, pos: number): number {
  let depth = 1;
  while (pos < text.length && depth > 0) {
    if (text[pos] === '{') depth++;
    else if (text[pos] === '}') depth--;
    pos++;
  }
  return pos;
}

/**
 * Every simple command of a script in order; a substitution's commands come before the command
 * holding it. With `env`, a `case` on a variable it sets keeps only the arm that would run:
 * recipe scripts branch on $LAYERFORGE_OS, and Debian's arm never runs on Amazon Linux.
 */
export function shellCommands(text: string, env: Record<string, string> = {}): ShellCommand[] {
  const lexer = new Lexer(text);
  lexer.read(0);
  return selectCaseArms(lexer.commands, env);
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` with `env`; undefined for anything else. */
function expand(word: string, env: Record<string, string>): string | undefined {
  const match = /^\$(?:(\w+)|\{(\w+)(?::-([^}]*))?\})$/.exec(word);
  const name = match?.[1] ?? match?.[2];
  if (name === undefined) return undefined;
  return env[name] ?? match?.[3];
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`).test(value);
}

interface CaseState {
  /** The subject's value, when known. */
  value: string | undefined;
  /** Reading patterns (after `in` or `;;`) or an arm's commands. */
  mode: 'patterns' | 'body';
  patterns: string[];
  /** An earlier arm matched: later ones never run. */
  matched: boolean;
  /** This arm runs (or may: the subject is unknown). */
  active: boolean;
}

/** Drops the commands of case arms that cannot run, as far as `env` tells. */
function selectCaseArms(commands: ShellCommand[], env: Record<string, string>): ShellCommand[] {
  const kept: ShellCommand[] = [];
  const stack: CaseState[] = [];
  const running = () => stack.every((s) => s.mode === 'body' && s.active);
  // A pattern list ends at `)`: that arm runs if a pattern matches and no earlier arm did.
  const readPatterns = (state: CaseState, command: ShellCommand) => {
    state.patterns.push(...command.words);
    if (command.end !== ')') return;
    const hit = state.value === undefined || state.patterns.some((p) => globMatches(p, state.value ?? ''));
    state.active = hit && !state.matched;
    if (hit && state.value !== undefined) state.matched = true;
    state.mode = 'body';
    state.patterns = [];
  };
  for (const command of commands) {
    const top = stack[stack.length - 1];
    if (top && command.words[0] === 'esac') {
      stack.pop();
    } else if (top?.mode === 'patterns') {
      readPatterns(top, command);
    } else if (command.words[0] === 'case' && command.words[2] === 'in') {
      const value = expand(command.words[1] ?? '', env);
      const state: CaseState = { value, mode: 'patterns', patterns: [], matched: false, active: false };
      stack.push(state);
      // `case $x in pattern) …` on one line: the first pattern came with the command.
      const rest = command.words.slice(3);
      if (rest.length > 0) readPatterns(state, { ...command, words: rest });
    } else {
      if (command.words.length > 0 && running()) kept.push(command);
      if (top && command.end === ';;') top.mode = 'patterns';
    }
  }
  return kept;
}

/** Words before the program that start no program themselves. */
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'time', 'exec']);
/** Commands whose words are never programs: `for x in a b`, `case $x in`, and closing keywords. */
const NO_PROGRAM = new Set(['for', 'case', 'in', 'esac', 'fi', 'done', ';;']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const REDIRECTION = /^\d*[<>]/;
/** xargs options that take a value. */
const XARGS_VALUE_OPTIONS = new Set(['-n', '-I', '-P', '-L', '-d', '-s', '-E', '-a']);

function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The programs one command starts: its own, and the one `xargs` runs. */
export function programRuns(command: ShellCommand): ProgramRun[] {
  const words = command.words;
  let i = 0;
  for (;;) {
    const word = words[i];
    if (word === undefined || NO_PROGRAM.has(word)) return [];
    if (PREFIX_WORDS.has(word) || ASSIGNMENT.test(word)) i++;
    else if (REDIRECTION.test(word)) i += /^\d*[<>]+&?$/.test(word) ? 2 : 1;
    else if (word === 'env') {
      i++;
      while (words[i]?.startsWith('-') || ASSIGNMENT.test(words[i] ?? '')) i++;
    } else if (word === 'command') {
      // `command -v find` asks whether find exists; it runs nothing.
      if (words[i + 1] === '-v' || words[i + 1] === '-V') return [];
      i++;
    } else break;
  }
  const program = words[i] ?? '';
  const runs: ProgramRun[] = [
    { program: programName(program), word: program, args: words.slice(i + 1), line: command.line },
  ];
  if (programName(program) === 'xargs') {
    let j = i + 1;
    while (words[j]?.startsWith('-')) j += XARGS_VALUE_OPTIONS.has(words[j] ?? '') ? 2 : 1;
    const runsNext = words[j];
    if (runsNext !== undefined)
      runs.push({
        program: programName(runsNext),
        word: runsNext,
        args: words.slice(j + 1),
        line: command.line,
      });
  }
  return runs;
}
