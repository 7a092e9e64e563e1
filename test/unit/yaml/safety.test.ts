// The nesting scan runs before the YAML parser on every recipe and config: it must not refuse
// real files, whose brackets sit in quotes, comments and shallow flow lists.
import { describe, expect, it } from 'vitest';
import { MAX_YAML_NESTING, nestingIssue } from '../../../src/core/yaml/safety.js';

describe('nestingIssue', () => {
  it('passes 64 levels and refuses the 65th, at its column', () => {
    expect(
      nestingIssue('f.yaml', `a: ${'['.repeat(MAX_YAML_NESTING)}${']'.repeat(MAX_YAML_NESTING)}\n`),
    ).toBe(undefined);
    expect(nestingIssue('f.yaml', `a: 1\nb: ${'{"k": '.repeat(65)}1${'}'.repeat(65)}\n`)).toMatchObject({
      line: 2,
      column: 4 + 64 * 6,
    });
  });

  it('does not count brackets in quoted strings or comments', () => {
    const opened = '['.repeat(100);
    const text = [
      `summary: "${opened} \\" ${opened}"`,
      `license: '${opened} '' ${opened}'`,
      `# ${opened}`,
      `expect: "^\\\\[ok"`,
      'runtimes: [python3.12, python3.13] # closes what it opens',
      '',
    ].join('\n');
    expect(nestingIssue('f.yaml', text)).toBeUndefined();
  });

  it('counts block indicators that open collections on one line', () => {
    expect(nestingIssue('f.yaml', `${'- '.repeat(64)}a\n`)).toBeUndefined();
    expect(nestingIssue('f.yaml', `x: 1\n  ${'- '.repeat(65)}a\n`)).toMatchObject({ line: 2, column: 1 });
  });
});
