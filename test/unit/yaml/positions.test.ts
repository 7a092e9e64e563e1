import { describe, expect, it } from 'vitest';
import {
  formatIssue,
  formatPath,
  nodeAt,
  parseYamlWithPositions,
  positionOf,
} from '../../../src/core/yaml/positions.js';

const TEXT = `# comment
name: demo
install:
  sources:
    - url: https://example.com/a.tar.gz
      sha256: abc
`;

describe('formatIssue', () => {
  it('writes file:line:col, then the field path, then the message', () => {
    const issue = { file: 'r/recipe.yaml', line: 3, column: 7, path: 'install.script', message: 'boom' };
    expect(formatIssue(issue)).toBe('r/recipe.yaml:3:7: install.script: boom');
    expect(formatIssue({ ...issue, path: '' })).toBe('r/recipe.yaml:3:7: boom');
  });
});

describe('formatPath', () => {
  it('dots keys and brackets indexes', () => {
    expect(formatPath(['install', 'sources', 0, 'sha256'])).toBe('install.sources[0].sha256');
    expect(formatPath([2])).toBe('[2]');
    expect(formatPath([])).toBe('');
  });
});

describe('positions of nodes', () => {
  const parsed = parseYamlWithPositions('f.yaml', TEXT);

  it('finds a value by path, 1-based', () => {
    expect(positionOf(parsed, ['name'])).toEqual({ line: 2, column: 7 });
    expect(positionOf(parsed, ['install', 'sources', 0, 'sha256'])).toEqual({ line: 6, column: 15 });
    expect(positionOf(parsed, ['install', 'sources'])).toEqual({ line: 5, column: 5 });
  });

  it('points a missing field at its nearest parent mapping', () => {
    expect(nodeAt(parsed, ['install', 'sources', 0, 'path']).found).toBe(false);
    expect(positionOf(parsed, ['install', 'sources', 0, 'path'])).toEqual({ line: 5, column: 7 });
    expect(positionOf(parsed, ['version'])).toEqual({ line: 2, column: 1 });
  });

  it('counts lines the same in a file with Windows line endings', () => {
    const crlf = parseYamlWithPositions('f.yaml', TEXT.replace(/\n/g, '\r\n'));
    expect(crlf.syntaxIssues).toEqual([]);
    expect(positionOf(crlf, ['install', 'sources', 0, 'sha256'])).toEqual({ line: 6, column: 15 });
  });
});

describe('syntax issues', () => {
  it('names a nested duplicate key with its path and the line of the first', () => {
    const parsed = parseYamlWithPositions('f.yaml', 'a:\n  b: 1\n  c: 2\n  b: 3\n');
    expect(parsed.syntaxIssues).toEqual([
      {
        file: 'f.yaml',
        line: 4,
        column: 3,
        path: 'a.b',
        message: 'duplicate key "b"',
        hint: '"b" is already set on line 2: keep one of them',
      },
    ]);
  });

  it('points an unclosed flow mapping at its brace', () => {
    const parsed = parseYamlWithPositions('f.yaml', 'a: 1\nbudget: { unzippedMB: 5\nb: 2\n');
    expect(parsed.syntaxIssues[0]).toMatchObject({
      line: 2,
      column: 9,
      path: 'budget',
      hint: 'close the { opened here with }',
    });
  });

  it('explains a value holding ": " that YAML reads as a nested mapping', () => {
    const parsed = parseYamlWithPositions('f.yaml', 'summary: tools: the good ones\n');
    expect(parsed.syntaxIssues[0]).toMatchObject({
      line: 1,
      column: 10,
      message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
    });
    expect(parsed.syntaxIssues[0]?.hint).toContain('quote a value that holds ": "');
  });

  it('reports nothing for a valid file', () => {
    expect(parseYamlWithPositions('f.yaml', TEXT).syntaxIssues).toEqual([]);
  });
});
