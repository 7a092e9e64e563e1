import { describe, expect, it } from 'vitest';
import { jsonSafe, terminalJson, terminalLines, terminalText } from '../../src/ui/terminal-text.js';

const ESC = '\u001b';

/** Every character a terminal may obey or reorder: none may survive raw. */
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, c) => c),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((c) => String.fromCharCode(c));

describe('terminalText', () => {
  it('shows C0 controls, ESC and DEL as \\x escapes, and the usual three by name', () => {
    expect(terminalText(`${ESC}[2J`)).toBe('\\x1b[2J');
    expect(terminalText('a\u0000b\u0007c\u007f')).toBe('a\\x00b\\x07c\\x7f');
    expect(terminalText('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree');
  });

  it('shows C1 controls (U+009B is a one-character CSI) as \\x escapes', () => {
    expect(terminalText('\u009b31m red \u0085 \u0080')).toBe('\\x9b31m red \\x85 \\x80');
  });

  it('shows the bidi embeddings, overrides and isolates as \\u escapes', () => {
    expect(terminalText('abc\u202etxt.exe')).toBe('abc\\u202etxt.exe');
    expect(terminalText('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe(
      '\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069',
    );
  });

  it('escapes an OSC window title whole, with its BEL terminator', () => {
    expect(terminalText(`${ESC}]0;owned\u0007`)).toBe('\\x1b]0;owned\\x07');
  });

  it('leaves printable text alone: accents, CJK, emoji, arrows, backslashes', () => {
    const text = 'numpy → café 数据 🐍 ✓ C:\\path ¿ü? \u00a0 \u200d';
    expect(terminalText(text)).toBe(text);
  });

  it('leaves no unsafe character raw, and is stable when applied twice', () => {
    const all = UNSAFE.join('');
    const once = terminalText(all);
    for (const char of UNSAFE) expect(once).not.toContain(char);
    expect(terminalText(once)).toBe(once);
  });
});

describe('terminalLines', () => {
  it('keeps line breaks and tabs, escapes everything else', () => {
    expect(terminalLines(`a\tb\n${ESC}[31mc\r\n`)).toBe('a\tb\n\\x1b[31mc\\r\n');
    const once = terminalLines(UNSAFE.join(''));
    for (const char of UNSAFE.filter((c) => c !== '\n' && c !== '\t')) expect(once).not.toContain(char);
  });
});

describe('terminalJson', () => {
  it('parses back to the exact value, with no unsafe character raw', () => {
    const value = { summary: UNSAFE.join(''), name: `x${ESC}]0;t\u0007`, nested: ['\u202e', '\u009b'] };
    const text = terminalJson(value, 2);
    for (const char of UNSAFE.filter((c) => c !== '\n')) expect(text).not.toContain(char);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is JSON.stringify for text with nothing to escape', () => {
    const value = { a: 'plain → text', b: [1, 2] };
    expect(terminalJson(value)).toBe(JSON.stringify(value));
    expect(terminalJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});

describe('jsonSafe', () => {
  it('keeps a JSON document parsing to the same value', () => {
    const payload = `{"a": "x\u009by\u202ez\u007f", "b": 1}\n`;
    const safe = jsonSafe(payload);
    expect(safe).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(JSON.parse(safe)).toEqual(JSON.parse(payload));
  });

  it('turns raw controls of a text answer into \\u escapes', () => {
    expect(jsonSafe(`hi ${ESC}[2J\r`)).toBe('hi \\u001b[2J\\u000d');
  });
});
