import { describe, expect, it } from 'vitest';
import { lineSplitter } from '../../../src/core/engine/line-splitter.js';

/** Writes the chunks one by one, ends the stream and returns every line the splitter emitted. */
function split(chunks: (string | Buffer)[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    splitter.on('finish', () => resolve(lines));
    splitter.on('error', reject);
    for (const chunk of chunks) splitter.write(chunk);
    splitter.end();
  });
}

describe('lineSplitter', () => {
  it('joins a line split across chunks', async () => {
    expect(await split(['hel', 'lo wor', 'ld\nsecond', ' line\n'])).toEqual(['hello world', 'second line']);
  });

  it('emits several lines from one chunk', async () => {
    expect(await split(['a\nb\nc\n'])).toEqual(['a', 'b', 'c']);
  });

  it('treats CRLF as one line end', async () => {
    expect(await split(['first\r\nsecond\r\n'])).toEqual(['first', 'second']);
  });

  it('ends a line at a bare CR, so progress bars become separate lines', async () => {
    expect(await split(['10%\r50%\r100%\ndone\n'])).toEqual(['10%', '50%', '100%', 'done']);
  });

  it('keeps empty lines between line ends', async () => {
    expect(await split(['a\n\nb\n'])).toEqual(['a', '', 'b']);
  });

  it('flushes the final partial line on end', async () => {
    expect(await split(['complete\n', 'no newline at the end'])).toEqual([
      'complete',
      'no newline at the end',
    ]);
  });

  it('emits nothing for an empty stream or one ending in a newline', async () => {
    expect(await split([])).toEqual([]);
    expect(await split(['only\n'])).toEqual(['only']);
  });

  it('accepts Buffers', async () => {
    expect(await split([Buffer.from('from a '), Buffer.from('buffer\n')])).toEqual(['from a buffer']);
  });
});

describe('lineSplitter across chunk boundaries', () => {
  it('treats a CRLF split between two chunks as one line end', async () => {
    expect(await split(['a\r', '\nb\n'])).toEqual(['a', 'b']);
  });

  it('decodes a multi-byte character split between two chunks', async () => {
    const bytes = Buffer.from('glibc ≤ 2.26\n');
    const cut = bytes.indexOf(0xe2) + 1;
    expect(await split([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['glibc ≤ 2.26']);
  });
});
